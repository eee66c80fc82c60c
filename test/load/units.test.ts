import { describe, expect, it } from "vitest";
import { parseCorpus, CorpusFileError } from "../../src/load/corpus.js";
import { decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, percentileDistribution, recordMs, summarise } from "../../src/load/histogram.js";
import { LoadOptionsError, parseLoadSettings } from "../../src/load/options.js";
import { formatProgress, progressView } from "../../src/load/progress.js";
import { planScenarios, workerCount, AUTO_RATE_PER_WORKER } from "../../src/load/plan.js";
import { judge, targetView } from "../../src/load/verdict.js";
import { parseTargets } from "../../src/load/targets.js";
import { escapeHtml, jsonForScript, scriptSource } from "../../src/report/html/escape.js";
import { formatTable } from "../../src/report/load-console.js";

const targets = parseTargets(
  {
    source: "t",
    achieved_rate_tolerance: 0.05,
    scenarios: [
      { docs: 10, rps: 200, p95_ms: 50 },
      { docs: 50, rps: 100, p95_ms: 150 },
    ],
  },
  "t",
);

describe("histograms", () => {
  it("record microseconds, summarise in ms, and merge through the base64 encoding without loss", () => {
    const a = newHistogram();
    const b = newHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(i % 2 ? a : b, i / 10);
    const merged = mergeEncoded(newHistogram(), [encodeHistogram(a), encodeHistogram(b), ""]);
    expect(merged.totalCount).toBe(1000);
    const s = summarise(merged);
    expect(s.min).toBeCloseTo(0.1, 3);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 0);
    expect(decodeHistogram(encodeHistogram(merged)).getValueAtPercentile(90)).toBe(merged.getValueAtPercentile(90));
    const dist = percentileDistribution(merged);
    expect(dist[0]).toEqual({ percentile: 0, latency_ms: s.min });
    expect(dist.at(-1)!.percentile).toBe(100);
    expect(dist.map((p) => p.latency_ms)).toEqual([...dist.map((p) => p.latency_ms)].sort((x, y) => x - y));
  });

  it("keeps zero (no lag) as zero", () => {
    const h = newHistogram();
    recordMs(h, 0);
    recordMs(h, -0.2);
    expect(summarise(h)).toMatchObject({ min: 0, max: 0, p99: 0 });
  });
});

describe("scenarios and verdicts", () => {
  it("default: open loop at each target's rate, named docs_N (as k6 names them)", () => {
    const specs = planScenarios(parseLoadSettings({}), targets);
    expect(specs.map((s) => [s.name, s.mode, s.rate])).toEqual([
      ["docs_10", "open", 200],
      ["docs_50", "open", 100],
    ]);
  });

  it("a document count without a target needs a rate", () => {
    expect(() => planScenarios(parseLoadSettings({ docs: [7] }), targets)).toThrow(LoadOptionsError);
    expect(planScenarios(parseLoadSettings({ docs: [7], rate: 5 }), targets)[0]).toMatchObject({ name: "docs_7", rate: 5, target: undefined });
  });

  it("rate, ramp and concurrency are alternatives", () => {
    expect(() => parseLoadSettings({ rate: 5, concurrency: 2 })).toThrow(/alternatives/);
  });

  it("auto workers: one per AUTO_RATE_PER_WORKER offered, one for closed loops; explicit workers capped by users", () => {
    const [spec] = planScenarios(parseLoadSettings({ docs: [10], rate: AUTO_RATE_PER_WORKER }), targets);
    expect(workerCount(parseLoadSettings({}), spec!)).toBe(1);
    const [closed] = planScenarios(parseLoadSettings({ docs: [10], concurrency: 3 }), targets);
    expect(workerCount(parseLoadSettings({ workers: 8 }), closed!)).toBe(3);
  });

  it("passes only with p95, achieved rate and error share all within bounds", () => {
    const [spec] = planScenarios(parseLoadSettings({}), targets);
    const view = targetView(spec!, targets, 0.01);
    expect(view).toEqual({ p95_ms: 50, rps: 200, min_achieved_rps: 190, max_error_rate: 0.01 });
    const good = { sent: 2000, errors: 0, dropped: 0, achievedRps: 199, p95Ms: 40 };
    expect(judge(good, view)).toEqual([]);
    expect(judge({ ...good, p95Ms: 51 }, view)).toEqual(["p95 51 ms > target 50 ms"]);
    expect(judge({ ...good, achievedRps: 180 }, view)[0]).toMatch(/achieved 180 req\/s < 190 req\/s/);
    expect(judge({ ...good, errors: 21 }, view)[0]).toMatch(/1\.05% > 1\.00%/);
    expect(judge({ ...good, sent: 1980, dropped: 20 }, view)).toEqual([]);
    expect(judge({ ...good, sent: 0, achievedRps: 0 }, view)).toContain("no requests were measured");
  });
});

describe("corpus files", () => {
  it("reads JSONL with passages and queries", () => {
    const c = parseCorpus('"plain passage"\n{"text":"a"}\n\n{"query":"q?"}\n{"document":"d"}\n', "c.jsonl");
    expect(c).toEqual({ passages: ["plain passage", "a", "d"], queries: ["q?"] });
  });
  it("reads the project's JSON shape and rejects bad lines with their number", () => {
    expect(parseCorpus('{"passages":["x"]}', "c.json")).toEqual({ passages: ["x"] });
    expect(() => parseCorpus('{"text":"a"}\n{"nope":1}', "c.jsonl")).toThrow(/c\.jsonl:2/);
    expect(() => parseCorpus('{"query":"only"}', "c.jsonl")).toThrow(CorpusFileError);
  });
});

describe("HTML escaping", () => {
  it("escapes text, JSON in scripts and inlined sources", () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
    const json = jsonForScript({ s: "</script><!-- \u2028" });
    expect(json).not.toMatch(/<|>|\u2028/);
    expect(JSON.parse(json)).toEqual({ s: "</script><!-- \u2028" });
    expect(scriptSource('x="</script>"')).toBe('x="<\\/script>"');
  });
  it("console table aligns columns", () => {
    expect(
      formatTable([
        ["scenario", "load", "1"],
        ["docs_10", "x", "100"],
      ]).split("\n"),
    ).toEqual(["scenario  load    1", "docs_10   x     100"]);
  });
});

describe("progress", () => {
  it("merges shard snapshots and dates them by the oldest", () => {
    const h = newHistogram();
    for (let i = 1; i <= 100; i++) recordMs(h, i);
    const snap = (at: number, sent: number) => ({ at, sent, ok: sent, errors: 1, dropped: 0, latency: encodeHistogram(h) });
    const p = progressView([snap(3_000, 40), snap(2_000, 60)], { scenario: "docs_10", index: 1, count: 3, t0: 0, warmupMs: 1_000, durationMs: 10_000 });
    expect(p).toMatchObject({ phase: "measure", elapsed_s: 2, sent: 100, errors: 2, rate: 100 });
    // HdrHistogram answers with the highest value equivalent at 3 significant digits.
    expect(p.p50_ms).toBeCloseTo(50, 1);
    expect(p.p99_ms).toBeCloseTo(99, 1);
    expect(formatProgress(p)).toBe("[1/3] docs_10 2/11s sent 100 (100.0/s) ok 100 err 2 dropped 0 p50 50.0ms p99 99.0ms");
  });
});
