import { randomUUID } from "node:crypto";
import type { StartedTarget } from "../targets/target.js";
import type { SuiteTarget } from "./context.js";

/** How a conformance run is set up, apart from the target it runs against. */
export type SuiteSettings = Pick<SuiteTarget, "timeoutMs" | "strict" | "fuzz" | "seed" | "only" | "scoreKind" | "dataset" | "exchangeLog" | "fidelity">;

/**
 * What the suites are told about a started target: one builder for `check`, the standalone
 * suites and `rerankConformance`, so all three see the same target (its model, its random
 * ranking) the same way.
 */
export function suiteTargetFor(target: StartedTarget, settings: SuiteSettings): SuiteTarget {
  return {
    runId: randomUUID(),
    label: target.label,
    baseUrl: target.baseUrl,
    dialect: target.dialect.name,
    ...(target.model !== undefined ? { model: target.model } : {}),
    apiKeyEnv: target.apiKeyEnv,
    timeoutMs: settings.timeoutMs,
    strict: settings.strict,
    fuzz: settings.fuzz,
    seed: settings.seed,
    ...(settings.only && settings.only.length > 0 ? { only: settings.only } : {}),
    ...(settings.scoreKind ? { scoreKind: settings.scoreKind } : {}),
    ...(settings.dataset ? { dataset: settings.dataset } : {}),
    ...(settings.exchangeLog ? { exchangeLog: settings.exchangeLog } : {}),
    ...(settings.fidelity ? { fidelity: settings.fidelity } : {}),
    ...(target.randomRanking ? { randomRanking: target.randomRanking } : {}),
  };
}
