// k6 smoke script: a few iterations of the basic contract checks (status, the dialect's
// response schema, result count, sort order, index range, score range, top_n, document echo)
// at a gentle arrival rate; any failure fails the run. Environment: see k6/README.md.
import exec from "k6/execution";
import type { Options } from "k6/options";
import { getDialect } from "../src/contract/registry.js";
import { parseK6Env } from "./lib/config.js";
import { rerankOnce } from "./lib/run.js";
import { planSmoke, SMOKE_DEFAULTS, smokeCase, smokeOptions } from "./lib/smoke.js";
import { checkSummaryDir, summaryOutputs, type SummaryInput } from "./lib/summary.js";
import { payloadFor } from "./lib/workload.js";

const cfg = parseK6Env(__ENV, SMOKE_DEFAULTS.duration);
checkSummaryDir(cfg.summaryDir, (path) => open(path), __VU);
if (__VU === 0) {
  const loadOnly: Record<string, unknown> = { RAMP: cfg.ramp, RAMP_UP: cfg.rampUp, MIX: cfg.mix };
  const ignored = Object.keys(loadOnly).filter((name) => loadOnly[name] !== undefined);
  if (ignored.length > 0) console.warn(`rerank-smoke ignores ${ignored.join(", ")} (rerank-load only)`);
}
const dialect = getDialect(cfg.dialect);
const plan = planSmoke(cfg);
const docsList = cfg.docs ?? SMOKE_DEFAULTS.docs;

export const options: Options = smokeOptions(plan);

export default function (): void {
  const i = exec.scenario.iterationInTest;
  const { input, echo } = smokeCase(dialect, docsList, (docs) => payloadFor(docs, cfg.seed, plan.name, i), i);
  rerankOnce(dialect, cfg, input, echo);
}

export function handleSummary(data: SummaryInput): Record<string, string> {
  return summaryOutputs(
    data,
    {
      script: "rerank-smoke",
      dialect: cfg.dialect,
      url: cfg.url,
      ...(cfg.model ? { model: cfg.model } : {}),
      scenarios: [plan],
      thresholds: options.thresholds as Record<string, string[]>,
      secrets: cfg.apiKey ? [cfg.apiKey] : [],
    },
    cfg.summaryDir,
    cfg.junitStdout,
  );
}
