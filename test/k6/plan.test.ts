import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTargets } from "../../src/load/targets.js";
import { msToK6, toArrivalRate } from "../../k6/lib/arrival.js";
import { K6ConfigError, parseK6Env } from "../../k6/lib/config.js";
import { GRACEFUL_STOP_MARGIN_MS, LoadPlanError, loadOptions, planLoad, thresholdsFor } from "../../k6/lib/plan.js";
import { loadTargets } from "../../k6/lib/targets.js";

const defaultFile = JSON.parse(readFileSync(new URL("../../fixtures/targets/default.json", import.meta.url), "utf8"));
const targets = parseTargets(defaultFile, "default.json");
const cfg = (env: Record<string, string> = {}) => parseK6Env(env, "1m");
/** The default TIMEOUT (10s) plus the margin: each scenario's gracefulStop. */
const GRACEFUL_STOP_MS = 10_000 + GRACEFUL_STOP_MARGIN_MS;

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
      RAMP_UP: "10s",
      TIMEOUT: "2500ms",
      JUNIT_STDOUT: "true",
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
      rampUp: { ms: 10_000 },
      timeout: { ms: 2_500 },
      junitStdout: true,
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
    [{ TIMEOUT: "5" }, "TIMEOUT"],
    [{ RAMP: "50,x" }, "RAMP"],
    [{ MIX: "10:0.5,10:0.5" }, "MIX"],
    [{ MIX: "10:0.5", DOCS: "10" }, "MIX"],
    [{ RAMP: "50", RAMP_UP: "5s" }, "RAMP_UP"],
    [{ RAMP: "50", RATE: "5" }, "RAMP"],
    [{ JUNIT_STDOUT: "maybe" }, "JUNIT_STDOUT"],
  ])("refuses %o, naming the variable", (env, name) => {
    expect(() => cfg(env)).toThrow(K6ConfigError);
    expect(() => cfg(env)).toThrow(name);
  });

  it("refuses a DURATION under 1s with k6's own words, at init", () => {
    // k6 v2.2.0 lib/executor/constant_arrival_rate.go:105-108 refuses it only when the scenario starts.
    expect(() => cfg({ DURATION: "500ms" })).toThrow("DURATION: the duration must be at least 1s, but is 500ms");
    expect(cfg({ DURATION: "1s" }).duration.ms).toBe(1_000);
    expect(() => parseK6Env({ DURATION: "999ms" }, "5s")).toThrow(K6ConfigError);
  });

  it("reads RAMP as a list of rates, as `rerank-harness load --ramp`, and points a duration to RAMP_UP", () => {
    expect(cfg({ RAMP: "50, 100,200" }).ramp).toEqual([50, 100, 200]);
    expect(() => cfg({ RAMP: "30s" })).toThrow(/RAMP: .*list of rates.*a ramp-up duration is RAMP_UP now/);
  });

  it("defaults TIMEOUT to 10s, well under k6's 60s request default", () => {
    expect(cfg().timeout).toEqual({ text: "10s", ms: 10_000 });
    expect(cfg({ TIMEOUT: "750ms" }).timeout.ms).toBe(750);
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
      startTime: "71s",
      gracefulStop: "11s",
    });
    expect(options.summaryTrendStats).toContain("p(95)");
  });

  it("generates the p95, error-rate, per-response validity and dropped-iteration thresholds per scenario", () => {
    const thresholds = thresholdsFor(planLoad(targets, cfg({ DURATION: "30s" })));
    expect(thresholds).toMatchObject({
      "http_req_duration{scenario:docs_10}": ["p(95)<=50"],
      "http_req_duration{scenario:docs_50}": ["p(95)<=150"],
      "http_req_duration{scenario:docs_100}": ["p(95)<=250"],
      "http_req_failed{scenario:docs_10}": ["rate<0.01"],
      "rerank_valid{scenario:docs_10}": ["rate>=0.99"],
      "dropped_iterations{scenario:docs_10}": ["count<=300"],
      "dropped_iterations{scenario:docs_50}": ["count<=150"],
      "dropped_iterations{scenario:docs_100}": ["count<=75"],
    });
    expect(Object.keys(thresholds)).toHaveLength(12);
    // checks count each check, not each response: no gate on them (rerank_valid instead)
    expect(Object.keys(thresholds).filter((k) => k.startsWith("checks"))).toEqual([]);
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

  it("ramps with ramping-arrival-rate when RAMP_UP is set, counting half the ramp in the budget", () => {
    const plan = planLoad(targets, cfg({ DOCS: "10", RAMP_UP: "20s", DURATION: "40s" }));
    expect(plan[0]).toMatchObject({ rampMs: 20_000, expectedIterations: 200 * 50, maxDropped: 500 });
    expect(loadOptions(plan).scenarios!.docs_10).toMatchObject({
      executor: "ramping-arrival-rate",
      startRate: 0,
      stages: [
        { target: 200, duration: "20s" },
        { target: 200, duration: "40s" },
      ],
    });
  });

  it("lets every request finish or time out before the next scenario: gracefulStop = TIMEOUT + margin", () => {
    const plan = planLoad(targets, cfg({ DOCS: "10,50", DURATION: "2s", TIMEOUT: "3s" }));
    expect(plan.map((p) => [p.gracefulStopMs, p.startMs])).toEqual([
      [4_000, 0],
      [4_000, 6_000],
    ]);
    expect(loadOptions(plan).scenarios!.docs_50).toMatchObject({ gracefulStop: "4s", startTime: "6s" });
  });

  it("RAMP runs each rate in turn for DURATION, one scenario (and one judgement) per step, as `load --ramp`", () => {
    const plan = planLoad(targets, cfg({ DOCS: "10", RAMP: "50,2.5", DURATION: "10s", TIMEOUT: "1s" }));
    expect(plan.map((p) => [p.name, p.docs, p.rps, p.p95Ms, p.startMs, p.expectedIterations])).toEqual([
      ["docs_10_50rps", 10, 50, 50, 0, 500],
      ["docs_10_2_5rps", 10, 2.5, 50, 12_000, 25],
    ]);
    const options = loadOptions(plan);
    expect(options.scenarios!.docs_10_2_5rps).toMatchObject({ executor: "constant-arrival-rate", rate: 25, timeUnit: "10s", duration: "10s" });
    expect(thresholdsFor(plan)["http_req_duration{scenario:docs_10_50rps}"]).toEqual(["p(95)<=50"]);
    // k6's scenario-name rule (lib/executor/base_config.go:22)
    for (const name of Object.keys(options.scenarios!)) expect(name).toMatch(/^[0-9a-zA-Z_-]+$/);
    // a count without a target needs no RATE with RAMP: the steps are the rates
    expect(planLoad(targets, cfg({ DOCS: "7", RAMP: "5" }))[0]).toMatchObject({ name: "docs_7_5rps", rps: 5 });
  });

  it("MIX makes one scenario whose counts are judged each against their own p95 target", () => {
    const plan = planLoad(targets, cfg({ MIX: "10:3,100:1", RATE: "40", DURATION: "10s" }));
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({
      name: "mix",
      docs: 0,
      rps: 40,
      mix: [
        { docs: 10, weight: 0.75, p95Ms: 50 },
        { docs: 100, weight: 0.25, p95Ms: 250 },
      ],
      expectedIterations: 400,
      maxDropped: 20,
    });
    const thresholds = thresholdsFor(plan);
    expect(thresholds).toEqual({
      "http_req_failed{scenario:mix}": ["rate<0.01"],
      "rerank_valid{scenario:mix}": ["rate>=0.99"],
      "dropped_iterations{scenario:mix}": ["count<=20"],
      // always holds: only keeps the mix's overall latency in k6's summary
      "http_req_duration{scenario:mix}": ["max>=0"],
      "http_req_duration{scenario:mix,docs:10}": ["p(95)<=50"],
      "rerank_valid{scenario:mix,docs:10}": ["rate>=0.99"],
      "http_req_duration{scenario:mix,docs:100}": ["p(95)<=250"],
      "rerank_valid{scenario:mix,docs:100}": ["rate>=0.99"],
    });
    for (const key of Object.keys(thresholds)) expect(key).toMatch(K6_THRESHOLD_KEY);
    // the scenario itself carries no docs tag: each request tags its own count
    expect(loadOptions(plan).scenarios!.mix).not.toHaveProperty("tags");
    // without RATE: the targets' rates combined by time share, 1 / (0.75/200 + 0.25/50) = 114.286
    expect(planLoad(targets, cfg({ MIX: "10:3,100:1" }))[0]!.rps).toBeCloseTo(114.286, 3);
    expect(() => planLoad(targets, cfg({ MIX: "10:1,7:1" }))).toThrow("no target for 7 documents");
    // with RAMP, one mix scenario per step
    expect(planLoad(targets, cfg({ MIX: "10:1,7:1", RAMP: "5,10" })).map((p) => p.name)).toEqual(["mix_5rps", "mix_10rps"]);
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
    expect(
      loadTargets(undefined, () => {
        throw new Error("must not read");
      }),
    ).toEqual({ targets, from: "default" });
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
