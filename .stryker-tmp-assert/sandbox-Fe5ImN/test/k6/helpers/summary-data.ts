// @ts-nocheck
import type { K6SummaryData } from "../../../k6/lib/summary.js";

// A k6 end-of-test summary object as handleSummary receives it, for a two-scenario load run
// (docs_10 passing, docs_50 missing its p95 target). Field layout as k6 writes it.

const trend = (p95: number, count: number, threshold?: [string, boolean]) => ({
  type: "trend" as const,
  contains: "time" as const,
  values: { avg: p95 * 0.6, min: p95 * 0.2, med: p95 * 0.55, max: p95 * 1.6, "p(90)": p95 * 0.9, "p(95)": p95, "p(99)": p95 * 1.3, count },
  ...(threshold ? { thresholds: { [threshold[0]]: { ok: threshold[1] } } } : {}),
});
const rate = (r: number, n: number, threshold: [string, boolean]) => ({
  type: "rate" as const,
  contains: "default" as const,
  values: { rate: r, passes: Math.round(r * n), fails: n - Math.round(r * n) },
  thresholds: { [threshold[0]]: { ok: threshold[1] } },
});
const counter = (count: number, threshold: [string, boolean]) => ({
  type: "counter" as const,
  contains: "default" as const,
  values: { count, rate: count / 13 },
  thresholds: { [threshold[0]]: { ok: threshold[1] } },
});

export function loadSummaryData(): K6SummaryData {
  return {
    root_group: {
      name: "",
      groups: [],
      checks: [
        { name: "status is 200", path: "::status is 200", passes: 23, fails: 0 },
        { name: "body matches the dialect's contract", path: "::body matches the dialect's contract", passes: 23, fails: 0 },
        { name: "result count", path: "::result count", passes: 23, fails: 0 },
        { name: "sorted by score", path: "::sorted by score", passes: 22, fails: 1 },
      ],
    },
    options: { summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"], summaryTimeUnit: "", noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 13_021.7 } as K6SummaryData["state"],
    metrics: {
      http_req_duration: trend(120, 23),
      "http_req_duration{scenario:docs_10}": trend(31.2, 12, ["p(95)<=50", true]),
      "http_req_duration{scenario:docs_50}": trend(180.4, 11, ["p(95)<=150", false]),
      "http_req_failed{scenario:docs_10}": rate(0, 12, ["rate<0.01", true]),
      "http_req_failed{scenario:docs_50}": rate(0, 11, ["rate<0.01", true]),
      "checks{scenario:docs_10}": rate(1, 48, ["rate>=0.99", true]),
      "checks{scenario:docs_50}": rate(43 / 44, 44, ["rate>=0.99", false]),
      "dropped_iterations{scenario:docs_10}": counter(0, ["count<=0", true]),
      "dropped_iterations{scenario:docs_50}": counter(1, ["count<=0", false]),
      http_reqs: { type: "counter", contains: "default", values: { count: 23, rate: 1.77 } },
      vus: { type: "gauge", contains: "default", values: { value: 1, min: 1, max: 2 } },
    },
  };
}
