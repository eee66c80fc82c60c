// @ts-nocheck
// k6 smoke script: a few iterations of the basic contract checks (status, the dialect's
// response schema, result count, sort order, index range, score range, top_n, document echo)
// at a gentle arrival rate; any failure fails the run. Environment: see k6/README.md.
import exec from "k6/execution";
import type { Options } from "k6/options";
import { getDialect } from "../src/contract/registry.js";
import { parseK6Env } from "./lib/config.js";
import { rerankOnce } from "./lib/run.js";
import { planSmoke, SMOKE_DEFAULTS, smokeCase, smokeOptions } from "./lib/smoke.js";
import { summaryOutputs, type K6SummaryData } from "./lib/summary.js";
import { payloadFor } from "./lib/workload.js";

const cfg = parseK6Env(__ENV, SMOKE_DEFAULTS.duration);
const dialect = getDialect(cfg.dialect);
const plan = planSmoke(cfg);
const docsList = cfg.docs ?? SMOKE_DEFAULTS.docs;

export const options: Options = smokeOptions(plan);

export default function (): void {
  const i = exec.scenario.iterationInTest;
  const { input, echo } = smokeCase(dialect, docsList, (docs) => payloadFor(docs, cfg.seed, i), i);
  rerankOnce(dialect, cfg, input, echo);
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryOutputs(
    data,
    {
      script: "rerank-smoke",
      dialect: cfg.dialect,
      url: cfg.url,
      ...(cfg.model ? { model: cfg.model } : {}),
      scenarios: [plan],
      secrets: cfg.apiKey ? [cfg.apiKey] : [],
    },
    cfg.summaryDir,
  );
}
