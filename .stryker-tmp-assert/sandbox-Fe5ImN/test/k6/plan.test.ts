// @ts-nocheck
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTargets } from "../../src/load/targets.js";
import { msToK6, toArrivalRate } from "../../k6/lib/arrival.js";
import { K6ConfigError, parseK6Env } from "../../k6/lib/config.js";
import { GRACEFUL_STOP_MS, LoadPlanError, loadOptions, planLoad, thresholdsFor } from "../../k6/lib/plan.js";
import { loadTargets } from "../../k6/lib/targets.js";

const defaultFile = JSON.parse(readFileSync(new URL("../../fixtures/targets/default.json", import.meta.url), "utf8"));
const targets = parseTargets(defaultFile, "default.json");
const cfg = (env: Record<string, string> = {}) => parseK6Env(env, "1m");

/** k6's threshold key grammar: a metric name, optionally `{tag:value,...}` (from k6's thresholds docs). */
const K6_THRESHOLD_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*(\{[a-zA-Z0-9_]+:[^{},:]+(,[a-zA-Z0-9_]+:[^{},:]+)*\})?$/;
const K6_EXPRESSION = /^(avg|min|max|med|count|rate|value|p\(\d+(\.\d+)?\))(<=|>=|==|<|>)\d+(\.\d+)?$/;

describe("parseK6Env", () => {
  it("defaults to vLLM on the serve command's address", () => {
    const c = cfg();
    expect(c).toMatchObject({ url: "http://127.0.0.1:8000", dialect: "vllm", seed: 42, summaryDir: ".", duration: { text: "1m", ms: 60_000 } });
    expect(c.apiKey).toBeUndefined();
    expect(c.docs).toBeUndefined();
  });

  it("reads every variable, trimming the URL's trailing slash and ignoring empty ones", () => {
    const c = cfg({
      RERANK_URL: "https://rerank.example.com/api/",
      RERANK_DIALECT: "cohere-v2",
      RERANK_MODEL: "rerank-v3.5",
      RERANK_API_KEY: "sk-live-abc",
      DOCS: "10, 50",
      RATE: "2.5",
      DURATION: "1m30s",
      RAMP: "10s",
      TARGETS: "/etc/targets.json",
      MAX_VUS: "64",
      RERANK_PATH: "",
    });
    expect(c).toMatchObject({
      url: "https://rerank.example.com/api",
      dialect: "cohere-v2",
      model: "rerank-v3.5",
      apiKey: "sk-live-abc",
      docs: [10, 50],
      rate: 2.5,
      duration: { ms: 90_000 },
      ramp: { ms: 10_000 },
      targetsPath: "/etc/targets.json",
      maxVus: 64,
    });
    expect(c.path).toBeUndefined();
  });

  it.each([
    [{ RERANK_DIALECT: "openai" }, "RERANK_DIALECT"],
    [{ DOCS: "10,x" }, "DOCS"],
    [{ DOCS: "10,10" }, "DOCS"],
    [{ RATE: "-1" }, "RATE"],
    [{ DURATION: "30" }, "DURATION"],
    [{ RERANK_URL: "localhost:8000" }, "RERANK_URL"],
    [{ RERANK_PATH: "rerank" }, "RERANK_PATH"],
  ])("refuses %o, naming the variable", (env, name) => {
    expect(() => cfg(env)).toThrow(K6ConfigError);
    expect(() => cfg(env)).toThrow(name);
  });

  it("never puts the API key in an error", () => {
    try {
      cfg({ RERANK_API_KEY: "sk-very-secret", RATE: "fast" });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain("sk-very-secret");
    }
  });
});

describe("planLoad and thresholds from the targets file", () => {
  it("makes one sequential constant-arrival-rate scenario per target", () => {
    const plan = planLoad(targets, cfg());
    expect(plan.map((p) => [p.name, p.docs, p.rps, p.p95Ms, p.startMs])).toEqual([
      ["docs_10", 10, 200, 50, 0],
      ["docs_50", 50, 100, 150, 60_000 + GRACEFUL_STOP_MS],
      ["docs_100", 100, 50, 250, 2 * (60_000 + GRACEFUL_STOP_MS)],
    ]);
    // 5% of 200 rps × 60 s may go unstarted
    expect(plan[0]).toMatchObject({ expectedIterations: 12_000, maxDropped: 600 });
    const options = loadOptions(plan);
    expect(options.scenarios!.docs_50).toMatchObject({
      executor: "constant-arrival-rate",
      rate: 100,
      timeUnit: "1s",
      duration: "60s",
      startTime: "65s",
      gracefulStop: "5s",
    });
    expect(options.summaryTrendStats).toContain("p(95)");
  });

  it("generates the p95, error-rate, checks and dropped-iteration thresholds per scenario", () => {
    const thresholds = thresholdsFor(planLoad(targets, cfg({ DURATION: "30s" })));
    expect(thresholds).toMatchObject({
      "http_req_duration{scenario:docs_10}": ["p(95)<=50"],
      "http_req_duration{scenario:docs_50}": ["p(95)<=150"],
      "http_req_duration{scenario:docs_100}": ["p(95)<=250"],
      "http_req_failed{scenario:docs_10}": ["rate<0.01"],
      "checks{scenario:docs_10}": ["rate>=0.99"],
      "dropped_iterations{scenario:docs_10}": ["count<=300"],
      "dropped_iterations{scenario:docs_50}": ["count<=150"],
      "dropped_iterations{scenario:docs_100}": ["count<=75"],
    });
    expect(Object.keys(thresholds)).toHaveLength(12);
    for (const [key, exprs] of Object.entries(thresholds)) {
      expect(key).toMatch(K6_THRESHOLD_KEY);
      for (const e of exprs) expect(e).toMatch(K6_EXPRESSION);
    }
  });

  it("narrows to DOCS and applies RATE to every scenario, keeping the latency targets", () => {
    const plan = planLoad(targets, cfg({ DOCS: "100,10", RATE: "5", DURATION: "2s" }));
    expect(plan.map((p) => [p.name, p.rps, p.p95Ms, p.startMs, p.expectedIterations, p.maxDropped])).toEqual([
      ["docs_100", 5, 250, 0, 10, 0],
      ["docs_10", 5, 50, 2_000 + GRACEFUL_STOP_MS, 10, 0],
    ]);
  });

  it("runs a document count without a target only with RATE, and without a latency threshold", () => {
    expect(() => planLoad(targets, cfg({ DOCS: "20" }))).toThrow(LoadPlanError);
    const plan = planLoad(targets, cfg({ DOCS: "20", RATE: "10" }));
    const thresholds = thresholdsFor(plan);
    expect(thresholds["http_req_duration{scenario:docs_20}"]).toBeUndefined();
    expect(thresholds["dropped_iterations{scenario:docs_20}"]).toEqual(["count<=30"]);
  });

  it("ramps with ramping-arrival-rate when RAMP is set, counting half the ramp in the budget", () => {
    const plan = planLoad(targets, cfg({ DOCS: "10", RAMP: "20s", DURATION: "40s" }));
    expect(plan[0]).toMatchObject({ rampMs: 20_000, expectedIterations: 200 * 50, maxDropped: 500 });
    expect(loadOptions(plan).scenarios!.docs_10).toMatchObject({
      executor: "ramping-arrival-rate",
      startRate: 0,
      stages: [{ target: 200, duration: "20s" }, { target: 200, duration: "40s" }],
    });
  });

  it("takes the tolerance and figures from a TARGETS file", () => {
    const file = { source: "ours", achieved_rate_tolerance: 0.1, scenarios: [{ docs: 8, rps: 2.5, p95_ms: 800 }] };
    const loaded = loadTargets("/t.json", (p) => (p === "/t.json" ? JSON.stringify(file) : ""));
    expect(loaded.from).toBe("/t.json");
    const plan = planLoad(loaded.targets, cfg({ DURATION: "10s" }));
    expect(plan[0]).toMatchObject({ name: "docs_8", rps: 2.5, expectedIterations: 25, maxDropped: 2 });
    expect(loadOptions(plan).scenarios!.docs_8).toMatchObject({ rate: 25, timeUnit: "10s" });
    expect(thresholdsFor(plan)["http_req_duration{scenario:docs_8}"]).toEqual(["p(95)<=800"]);
    expect(() => loadTargets("/bad.json", () => "{")).toThrow("TARGETS /bad.json");
    expect(() => loadTargets("/bad.json", () => JSON.stringify({ source: "x", scenarios: [] }))).toThrow("scenarios");
  });

  it("splits the dropped-iteration budget over RUNNERS, since k6-operator judges thresholds per runner", () => {
    const [one] = planLoad(targets, cfg({ DOCS: "10", DURATION: "30s" }));
    const [quarter] = planLoad(targets, cfg({ DOCS: "10", DURATION: "30s", RUNNERS: "4" }));
    expect(one).toMatchObject({ expectedIterations: 6_000, runners: 1, maxDropped: 300 });
    expect(quarter).toMatchObject({ expectedIterations: 6_000, runners: 4, maxDropped: 75 });
    expect(thresholdsFor([quarter!])["http_req_duration{scenario:docs_10}"]).toEqual(["p(95)<=50"]);
  });

  it("inlines the default targets file", () => {
    expect(loadTargets(undefined, () => { throw new Error("must not read"); })).toEqual({ targets, from: "default" });
  });
});

describe("arrival rates", () => {
  it("keeps whole rates per second and stretches the time unit for fractions", () => {
    expect(toArrivalRate(200)).toEqual({ rate: 200, timeUnit: "1s" });
    expect(toArrivalRate(2.5)).toEqual({ rate: 25, timeUnit: "10s" });
    expect(toArrivalRate(0.05)).toEqual({ rate: 5, timeUnit: "100s" });
    expect(toArrivalRate(1 / 3)).toEqual({ rate: 333, timeUnit: "1000s" });
    expect(() => toArrivalRate(0)).toThrow();
    expect(msToK6(65_000)).toBe("65s");
    expect(msToK6(1_500)).toBe("1500ms");
  });
});
