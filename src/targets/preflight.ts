import { TargetStartError, type StartedTarget } from "./target.js";

export interface PreflightResult {
  status: number;
  durationMs: number;
}

/**
 * The one basic rerank request `check` also starts with (src/checks/preflight.ts), for `load`
 * and `compare`: a target that cannot be reached, is not HTTP, refuses the key or has no rerank
 * route fails here as a TargetStartError (exit 2) with the reason, instead of as minutes of
 * errors later.
 */
export async function preflightTarget(target: StartedTarget, options: { timeoutMs: number }): Promise<PreflightResult> {
  const { preflight, PreflightError } = await import("../checks/preflight.js");
  try {
    return await preflight(target, options.timeoutMs);
  } catch (err) {
    if (err instanceof PreflightError) throw new TargetStartError(`${target.label}: ${err.message}`, undefined, { cause: err });
    throw err;
  }
}
