// @ts-nocheck
import { encodeHistogram, mergeEncoded, newHistogram, percentileDistribution, percentileMs, summarise } from "./histogram.js";
import type { LoadSettings } from "./options.js";
import { emptyErrorCounts, ERROR_CLASSES } from "./outcome.js";
import type { ScenarioSpec } from "./plan.js";
import type { ShardResult } from "./recorder.js";
import type { ScenarioResult, ScenarioTargetView, SeriesPoint } from "./report.js";
import { errorRate, judge } from "./verdict.js";

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Merges the shards' counts and histograms into one scenario result and judges it. */
export function summariseScenario(
  spec: ScenarioSpec,
  settings: LoadSettings,
  shards: ShardResult[],
  target: ScenarioTargetView,
  corpusName: string,
): ScenarioResult {
  const sum = (k: "sent" | "ok" | "dropped" | "okInWindow"): number => shards.reduce((a, s) => a + s[k], 0);
  const errorsByClass = emptyErrorCounts();
  const statusCounts: Record<string, number> = {};
  const sampleErrors: Record<string, string> = {};
  for (const s of shards) {
    for (const c of ERROR_CLASSES) errorsByClass[c] += s.errors[c];
    for (const [status, n] of Object.entries(s.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + n;
    for (const [c, msg] of Object.entries(s.sampleErrors)) sampleErrors[c] ??= msg;
  }
  const latency = mergeEncoded(newHistogram(), shards.map((s) => s.histograms.latency));
  const service = mergeEncoded(newHistogram(), shards.map((s) => s.histograms.service));
  const lag = mergeEncoded(newHistogram(), shards.map((s) => s.histograms.lag));
  const serverTimingNames = new Set(shards.flatMap((s) => Object.keys(s.serverTimings)));
  const serverTiming = Object.fromEntries(
    [...serverTimingNames].sort().map((name) => [name, summarise(mergeEncoded(newHistogram(), shards.map((s) => s.serverTimings[name] ?? "")))]),
  );

  const sent = sum("sent");
  const dropped = sum("dropped");
  const errors = Object.values(errorsByClass).reduce((a, b) => a + b, 0);
  const durationS = settings.durationMs / 1000;
  const achievedRps = round3(sum("okInWindow") / durationS);
  const latencySummary = summarise(latency);
  const failures = judge({ sent, errors, dropped, achievedRps, p95Ms: latencySummary.p95 }, target);

  return {
    name: spec.name,
    docs: spec.docs,
    mode: spec.mode,
    offered_rps: spec.rate,
    concurrency: spec.concurrency,
    duration_s: durationS,
    warmup_s: settings.warmupMs / 1000,
    workers: shards.length,
    max_inflight: spec.concurrency ?? settings.maxInflight,
    timeout_ms: settings.timeoutMs,
    sent,
    ok: sum("ok"),
    errors,
    dropped,
    achieved_rps: achievedRps,
    error_rate: round3(errorRate({ sent, errors, dropped }) * 1000) / 1000,
    errors_by_class: errorsByClass,
    status_counts: statusCounts,
    sample_errors: sampleErrors,
    latency_ms: latencySummary,
    service_time_ms: summarise(service),
    generator_lag_ms: summarise(lag),
    server_timing_ms: serverTiming,
    target,
    pass: failures.length === 0,
    failures,
    series: mergeSeries(shards),
    distribution: percentileDistribution(latency),
    histograms: { latency_us: encodeHistogram(latency), service_time_us: encodeHistogram(service), generator_lag_us: encodeHistogram(lag) },
    workload: {
      doc_tokens: settings.docTokens,
      query_tokens: settings.queryTokens,
      seed: settings.seed,
      corpus: corpusName,
    },
  };
}

/** Per-second points over every second any shard saw, gaps filled with zeros. */
function mergeSeries(shards: ShardResult[]): SeriesPoint[] {
  const byT = new Map<number, { sent: number; ok: number; errors: number; dropped: number; latency: string[] }>();
  for (const s of shards) {
    for (const p of s.series) {
      let m = byT.get(p.t);
      if (!m) byT.set(p.t, (m = { sent: 0, ok: 0, errors: 0, dropped: 0, latency: [] }));
      m.sent += p.sent;
      m.ok += p.ok;
      m.errors += p.errors;
      m.dropped += p.dropped;
      m.latency.push(p.latency);
    }
  }
  if (byT.size === 0) return [];
  const ts = [...byT.keys()];
  const [first, last] = [Math.min(0, ...ts), Math.max(...ts)];
  const out: SeriesPoint[] = [];
  for (let t = first; t <= last; t++) {
    const m = byT.get(t);
    if (!m) {
      out.push({ t, sent: 0, ok: 0, errors: 0, dropped: 0, p50_ms: 0, p99_ms: 0 });
      continue;
    }
    const h = mergeEncoded(newHistogram(2), m.latency);
    out.push({ t, sent: m.sent, ok: m.ok, errors: m.errors, dropped: m.dropped, p50_ms: percentileMs(h, 50), p99_ms: percentileMs(h, 99) });
  }
  return out;
}
