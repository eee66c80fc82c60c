// @ts-nocheck
// k6 load script: one open-loop (arrival-rate) scenario per documents-per-request count, with
// thresholds from the same targets file as `rerank-harness load`. Build with `npm run build:k6`,
// run with `k6 run dist/k6/rerank-load.js`. Environment: see k6/README.md.
import exec from "k6/execution";
import type { Options } from "k6/options";
import { getDialect } from "../src/contract/registry.js";
import { parseK6Env } from "./lib/config.js";
import { loadOptions, planLoad } from "./lib/plan.js";
import { rerankOnce } from "./lib/run.js";
import { summaryOutputs, type K6SummaryData } from "./lib/summary.js";
import { loadTargets } from "./lib/targets.js";
import { payloadFor } from "./lib/workload.js";

const cfg = parseK6Env(__ENV, "1m");
const dialect = getDialect(cfg.dialect);
const { targets, from } = loadTargets(cfg.targetsPath, (path) => open(path));
const plan = planLoad(targets, cfg);
const byName = new Map(plan.map((s) => [s.name, s]));

export const options: Options = loadOptions(plan);

export default function (): void {
  const scenario = byName.get(exec.scenario.name);
  if (!scenario) throw new Error(`unknown scenario ${exec.scenario.name}`);
  const payload = payloadFor(scenario.docs, cfg.seed, exec.scenario.iterationInTest);
  rerankOnce(dialect, cfg, { ...payload });
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryOutputs(
    data,
    {
      script: "rerank-load",
      dialect: cfg.dialect,
      url: cfg.url,
      ...(cfg.model ? { model: cfg.model } : {}),
      targets: {
        from,
        source: targets.source,
        ...(targets.model ? { model: targets.model } : {}),
        ...(targets.hardware ? { hardware: targets.hardware } : {}),
        tolerance: targets.achieved_rate_tolerance,
      },
      scenarios: plan,
      secrets: cfg.apiKey ? [cfg.apiKey] : [],
    },
    cfg.summaryDir,
  );
}
