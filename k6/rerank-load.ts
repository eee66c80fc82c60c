// k6 load script: one open-loop (arrival-rate) scenario per documents-per-request count (or one
// mixed scenario, MIX), with thresholds from the same targets file as `rerank-harness load`.
// Build with `npm run build:k6`, run with `k6 run dist/k6/rerank-load.js`. Environment: see k6/README.md.
import exec from "k6/execution";
import type { Options } from "k6/options";
import { getDialect } from "../src/contract/registry.js";
import { parseK6Env } from "./lib/config.js";
import { seededPick } from "./lib/mix.js";
import { loadOptions, planLoad } from "./lib/plan.js";
import { rerankOnce } from "./lib/run.js";
import { checkSummaryDir, summaryOutputs, type SummaryInput } from "./lib/summary.js";
import { loadTargets } from "./lib/targets.js";
import { payloadFor, scenarioSalt } from "./lib/workload.js";

const cfg = parseK6Env(__ENV, "1m");
checkSummaryDir(cfg.summaryDir, (path) => open(path), __VU);
const dialect = getDialect(cfg.dialect);
const { targets, from } = loadTargets(cfg.targetsPath, (path) => open(path));
const plan = planLoad(targets, cfg);
const byName = new Map(plan.map((s) => [s.name, s]));

export const options: Options = loadOptions(plan);

export default function (): void {
  const scenario = byName.get(exec.scenario.name);
  if (!scenario) throw new Error(`unknown scenario ${exec.scenario.name}`);
  const n = exec.scenario.iterationInTest;
  if (scenario.mix) {
    // The count is drawn from its own stream (salted apart from the payload's), so it is the
    // same for a given SEED and iteration whichever VU or runner sends it.
    const docs = seededPick(scenario.mix, (cfg.seed ^ scenarioSalt(`${scenario.name}#mix`)) >>> 0, n);
    rerankOnce(dialect, cfg, payloadFor(docs, cfg.seed, scenario.name, n), false, { docs: String(docs) });
  } else {
    rerankOnce(dialect, cfg, payloadFor(scenario.docs, cfg.seed, scenario.name, n));
  }
}

export function handleSummary(data: SummaryInput): Record<string, string> {
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
      thresholds: options.thresholds as Record<string, string[]>,
      secrets: cfg.apiKey ? [cfg.apiKey] : [],
    },
    cfg.summaryDir,
    cfg.junitStdout,
  );
}
