import type { ResolvedTarget } from "./resolve.js";
import type { TargetSpec } from "./spec.js";
import { TargetStartError, type StartedTarget, type TargetContext } from "./target.js";

// Placeholder until issue 7 lands the process target.
export async function startProcessTarget(spec: TargetSpec, _ctx: TargetContext, _resolved: ResolvedTarget): Promise<StartedTarget> {
  throw new TargetStartError(`${spec.raw}: process targets have not landed yet (issue 7)`);
}
