import { describe, expect, it } from "vitest";
import { decodeHistogram } from "../../src/load/histogram.js";
import { LoadSettings } from "../../src/load/options.js";
import type { ScenarioSpec } from "../../src/load/plan.js";
import { Recorder, type ShardResult } from "../../src/load/recorder.js";
import { summariseScenario } from "../../src/load/summarise.js";

// The recorder and the merge, fed known times: the definitions docs/load.md states (latency from
// the intended send time, service time from the actual one, lag between them; histograms of
// every worker merged), checked exactly rather than through a timed run.

const W0 = 10_000; // window start (absolute ms)
const ok = { status: 200 };

function recorder(): Recorder {
  return new Recorder(W0, W0 + 3_000);
}

/** HdrHistogram keeps 3 significant digits (2 for the per-second ones): compare at that precision. */
const sig = (x: number, digits = 3): number => Number(x.toPrecision(digits));
const max = (encoded: string): number => sig(decodeHistogram(encoded).maxValue / 1000);
const count = (encoded: string): number => decodeHistogram(encoded).totalCount;

describe("Recorder", () => {
  it("latency is completion − intended send, service time completion − actual send, lag actual − intended", () => {
    const r = recorder();
    r.onSent(W0 + 100);
    // Due at +100, sent 300 ms late (a blocked generator), answered 10 ms after it went out.
    r.onComplete(W0 + 100, W0 + 400, W0 + 410, ok);
    const res = r.result();
    expect(max(res.histograms.latency)).toBe(310);
    expect(max(res.histograms.service)).toBe(10);
    expect(max(res.histograms.lag)).toBe(300);
    expect(sig(decodeHistogram(res.series[0]!.latency).maxValue / 1000, 2)).toBe(310);
    expect(res.ok).toBe(1);
    expect(res.sent).toBe(1);
  });

  it("counts only requests due inside [start, end); throughput counts completions inside it", () => {
    const r = recorder();
    for (const due of [W0 - 1, W0, W0 + 2_999, W0 + 3_000]) {
      r.onSent(due);
      r.onDropped(due);
    }
    // Due before the window (warm-up) but completed inside: not measured, but throughput.
    r.onComplete(W0 - 1, W0 - 1, W0 + 5, ok);
    // Due in the window, completed after it: measured, not throughput.
    r.onComplete(W0 + 2_999, W0 + 2_999, W0 + 3_000, ok);
    // Completed exactly at the window start: throughput.
    r.onComplete(W0 - 10, W0 - 10, W0, ok);
    // A failure inside the window is not throughput.
    r.onComplete(W0 + 1, W0 + 1, W0 + 2, { status: 500, errorClass: "http_5xx", error: "HTTP 500" });
    const res = r.result();
    expect(res.sent).toBe(2);
    expect(res.dropped).toBe(2);
    expect(res.ok).toBe(1);
    expect(res.okInWindow).toBe(2);
    expect(count(res.histograms.latency)).toBe(1);
    expect(res.statusCounts).toEqual({ "200": 1, "500": 1 });
  });

  it("counts failures by class, keeps the first message per class, and records no latency for them", () => {
    const r = recorder();
    r.onComplete(W0, W0, W0 + 5, { status: 503, errorClass: "http_5xx", error: "first" });
    r.onComplete(W0, W0, W0 + 6, { status: 500, errorClass: "http_5xx", error: "second" });
    r.onComplete(W0, W0, W0 + 7, { errorClass: "timeout" });
    r.onComplete(W0, W0, W0 + 8, { errorClass: "timeout", error: "late" });
    r.onComplete(W0, W0, W0 + 9, { errorClass: "connection", error: "reset" });
    const res = r.result();
    expect(res.errors).toEqual({ http_4xx: 0, http_5xx: 2, timeout: 2, connection: 1, invalid_body: 0 });
    expect(res.sampleErrors).toEqual({ http_5xx: "first", timeout: "late", connection: "reset" });
    expect(res.statusCounts).toEqual({ "503": 1, "500": 1 });
    expect(res.ok).toBe(0);
    expect(count(res.histograms.latency) + count(res.histograms.service) + count(res.histograms.lag)).toBe(0);
    expect(res.series).toEqual([{ t: 0, sent: 0, ok: 0, errors: 5, dropped: 0, latency: "" }]);
    expect(r.progress()).toMatchObject({ sent: 0, ok: 0, errors: 5, dropped: 0 });
  });

  it("buckets sends and drops by due second, completions by completion second, in time order", () => {
    const r = recorder();
    r.onSent(W0 + 2_500);
    r.onSent(W0 + 999);
    r.onDropped(W0 + 1_000);
    r.onComplete(W0 + 999, W0 + 999, W0 + 1_001, ok);
    r.onComplete(W0 + 2_500, W0 + 2_500, W0 + 2_600, { errorClass: "connection" });
    const series = r.result().series.map(({ latency, ...rest }) => ({ ...rest, histogram: latency !== "" }));
    expect(series).toEqual([
      { t: 0, sent: 1, ok: 0, errors: 0, dropped: 0, histogram: false },
      { t: 1, sent: 0, ok: 1, errors: 0, dropped: 1, histogram: true },
      { t: 2, sent: 1, ok: 0, errors: 1, dropped: 0, histogram: false },
    ]);
  });

  it("keeps a histogram per server timing header, and negative lag (an early wake-up) as zero", () => {
    const r = recorder();
    r.onComplete(W0 + 10, W0 + 9, W0 + 20, {
      status: 200,
      serverTimings: [
        ["x-inference-time", 4],
        ["x-queue-time", 1],
      ],
    });
    r.onComplete(W0 + 10, W0 + 10, W0 + 20, { status: 200, serverTimings: [["x-inference-time", 6]] });
    const res = r.result();
    expect(Object.keys(res.serverTimings).sort()).toEqual(["x-inference-time", "x-queue-time"]);
    expect(count(res.serverTimings["x-inference-time"]!)).toBe(2);
    expect(max(res.serverTimings["x-inference-time"]!)).toBe(6);
    expect(max(res.histograms.lag)).toBe(0);
    expect(count(res.histograms.lag)).toBe(2);
    const p = r.progress();
    expect(p).toMatchObject({ sent: 0, ok: 2, errors: 0, dropped: 0 });
    expect(count(p.latency)).toBe(2);
    expect(p.at).toBeGreaterThan(0);
  });
});

describe("summariseScenario merges every worker's histograms and series", () => {
  const spec: ScenarioSpec = { name: "docs_10", docs: 10, mode: "open", rate: 2, concurrency: null, target: undefined };
  const settings = LoadSettings.parse({ durationMs: 3_000, warmupMs: 500, maxInflight: 64, timeoutMs: 9_000 });
  const target = { p95_ms: 1_000, rps: 2, min_achieved_rps: 1, max_error_rate: 0.5 };

  /** Worker 0 is fast and fails once; worker 1 is slow, sees server timings and another failure class. */
  function shards(): ShardResult[] {
    const a = recorder();
    a.onSent(W0 + 100);
    a.onComplete(W0 + 100, W0 + 100, W0 + 110, ok);
    a.onSent(W0 + 2_100);
    a.onComplete(W0 + 2_100, W0 + 2_100, W0 + 2_105, { status: 503, errorClass: "http_5xx", error: "a 503" });
    a.onDropped(W0 + 2_200);
    const b = recorder();
    b.onSent(W0 + 600);
    b.onComplete(W0 + 600, W0 + 700, W0 + 1_200, { status: 200, serverTimings: [["x-total-time", 450]] });
    b.onSent(W0 + 700);
    b.onComplete(W0 + 700, W0 + 700, W0 + 750, { status: 500, errorClass: "http_5xx", error: "b 500" });
    b.onSent(W0 + 800);
    b.onComplete(W0 + 800, W0 + 800, W0 + 900, { status: 400, errorClass: "http_4xx", error: "b 400" });
    return [a.result(), b.result()];
  }

  it("sums counts, merges latency, service and lag histograms, and keeps the first sample error per class", () => {
    const s = summariseScenario(spec, settings, shards(), target, "corpus-x");
    expect(s).toMatchObject({ name: "docs_10", docs: 10, mode: "open", offered_rps: 2, concurrency: null, workers: 2 });
    expect(s).toMatchObject({ duration_s: 3, warmup_s: 0.5, max_inflight: 64, timeout_ms: 9_000 });
    expect({ sent: s.sent, ok: s.ok, errors: s.errors, dropped: s.dropped }).toEqual({ sent: 5, ok: 2, errors: 3, dropped: 1 });
    expect(s.errors_by_class).toEqual({ http_4xx: 1, http_5xx: 2, timeout: 0, connection: 0, invalid_body: 0 });
    expect(s.status_counts).toEqual({ "200": 2, "503": 1, "500": 1, "400": 1 });
    expect(s.sample_errors).toEqual({ http_5xx: "a 503", http_4xx: "b 400" });
    // Worker 1's slow request (600 ms from its due time, 500 ms of service, 100 ms late) is in the merge.
    expect(count(s.histograms.latency_us)).toBe(2);
    expect(sig(s.latency_ms.max)).toBe(600);
    expect(sig(s.latency_ms.min)).toBe(10);
    expect(sig(s.service_time_ms.max)).toBe(500);
    expect(count(s.histograms.service_time_us)).toBe(2);
    expect(sig(s.generator_lag_ms.max)).toBe(100);
    expect(count(s.histograms.generator_lag_us)).toBe(2);
    expect(sig(s.server_timing_ms["x-total-time"]!.max)).toBe(450);
    expect(s.distribution.at(-1)!.percentile).toBe(100);
    expect(sig(s.distribution.at(-1)!.latency_ms)).toBe(600);
    expect(s.workload).toEqual({ doc_tokens: settings.docTokens, query_tokens: settings.queryTokens, seed: 42, corpus: "corpus-x" });
  });

  it("merges the per-second series of every worker, filling empty seconds with zeros", () => {
    const s = summariseScenario(spec, settings, shards(), target, "c");
    expect(s.series.map((p) => ({ ...p, p50_ms: sig(p.p50_ms, 2), p99_ms: sig(p.p99_ms, 2) }))).toEqual([
      { t: 0, sent: 4, ok: 1, errors: 2, dropped: 0, p50_ms: 10, p99_ms: 10 },
      { t: 1, sent: 0, ok: 1, errors: 0, dropped: 0, p50_ms: 600, p99_ms: 600 },
      { t: 2, sent: 1, ok: 0, errors: 1, dropped: 1, p50_ms: 0, p99_ms: 0 },
    ]);
    const gap = recorder();
    gap.onComplete(W0 + 3_500, W0 + 3_500, W0 + 3_600, ok); // outside the window: not measured
    gap.onComplete(W0 + 2_500, W0 + 2_500, W0 + 2_510, ok);
    expect(summariseScenario(spec, settings, [gap.result()], target, "c").series.map((p) => [p.t, p.ok])).toEqual([
      [0, 0],
      [1, 0],
      [2, 1],
    ]);
  });

  it("judges the merged numbers: achieved rate over the window, error share, pass", () => {
    const s = summariseScenario(spec, settings, shards(), target, "c");
    // Completions inside the window: 2 ok out of 3 s.
    expect(s.achieved_rps).toBe(0.667);
    expect(s.error_rate).toBe(round(4 / 6));
    expect(s.pass).toBe(false);
    expect(s.failures).toEqual([
      expect.stringMatching(/^achieved 0\.667 req\/s < 1 req\/s needed$/),
      expect.stringMatching(/errors and drops 66\.67% > 50\.00%/),
    ]);
    const lenient = summariseScenario(spec, settings, shards(), { p95_ms: null, rps: null, min_achieved_rps: null, max_error_rate: 1 }, "c");
    expect(lenient.pass).toBe(true);
    expect(lenient.failures).toEqual([]);
    const closed = summariseScenario({ ...spec, mode: "closed", rate: null, concurrency: 3 }, settings, shards(), target, "c");
    expect(closed.max_inflight).toBe(3);
    const empty = summariseScenario(spec, settings, [], target, "c");
    expect(empty).toMatchObject({ sent: 0, series: [], distribution: [], pass: false, workers: 0 });
  });
});

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
