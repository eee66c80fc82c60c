import { encodeHistogram, mergeEncoded, newHistogram, percentileDistribution, percentileMs, summarise } from "./histogram.js";
import type { LoadSettings } from "./options.js";
import { emptyErrorCounts, ERROR_CLASSES } from "./outcome.js";
import type { ScenarioSpec } from "./plan.js";
import type { ShardResult } from "./recorder.js";
import type { AbortInfo, MixPart, ScenarioResult, ScenarioTargetView, SeriesPoint } from "./report.js";
import { errorRate, judge } from "./verdict.js";

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Merges the shards' counts and histograms into one scenario result and judges it. */
export function summariseScenario(
  spec: ScenarioSpec,
  settings: LoadSettings,
  shards: ShardResult[],
  target: ScenarioTargetView,
  corpusName: string,
  /** A mix: each part's p95 target (null: none), in spec.mix order. */
  partTargets: Array<number | null> = [],
  /** --abort-on-fail stopped it: rates are over the measured time it ran. */
  aborted?: AbortInfo,
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
  const durationS = aborted
    ? round3(Math.min(settings.durationMs / 1000, Math.max(0, aborted.at_s - settings.warmupMs / 1000)))
    : settings.durationMs / 1000;
  const achievedRps = durationS > 0 ? round3(sum("okInWindow") / durationS) : 0;
  const latencySummary = summarise(latency);
  // Poisson arrivals schedule a random number of requests: hold the achieved rate to the rate
  // actually scheduled in the window, not to the nominal one.
  if (spec.mode === "open" && settings.arrival === "poisson" && target.min_achieved_rps !== null) {
    const scheduledRps = (sent + dropped) / durationS;
    target = { ...target, min_achieved_rps: round3((target.min_achieved_rps * scheduledRps) / spec.rate!) };
  }
  const failures = judge({ sent, errors, dropped, achievedRps, p95Ms: latencySummary.p95 }, target);
  if (aborted) failures.unshift(abortLine(aborted));
  const mix = spec.mix ? mixParts(spec, shards, durationS, partTargets) : undefined;
  for (const part of mix ?? []) {
    if (!part.pass) failures.push(`${part.docs} documents (${(part.weight * 100).toFixed(0)}% of the mix): p95 ${part.latency_ms.p95} ms > target ${part.target_p95_ms} ms`);
  }

  return {
    name: spec.name,
    docs: spec.docs,
    mode: spec.mode,
    ...(spec.mode === "open" ? { arrival: settings.arrival } : {}),
    ...(mix ? { mix } : {}),
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
    ...(aborted ? { aborted } : {}),
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

/** The first failure of an aborted scenario: when and why it stopped. */
export function abortLine(a: AbortInfo): string {
  return `aborted after ${a.at_s} s of ${a.planned_duration_s} s planned (${a.reason.replace(/_/g, " ")}): ${a.detail}${a.abandoned > 0 ? `; ${a.abandoned} requests in flight abandoned` : ""}`;
}

/** A mix's parts: each documents count's counts and latency, judged against its own p95 target. */
function mixParts(spec: ScenarioSpec, shards: ShardResult[], durationS: number, partTargets: Array<number | null>): MixPart[] {
  const scheduled = shards.reduce((a, s) => a + s.sent + s.dropped, 0);
  return spec.mix!.map((c, g) => {
    const parts = shards.map((s) => s.groups?.[g]).filter((x) => x !== undefined);
    const sum = (k: "sent" | "ok" | "errors" | "dropped" | "okInWindow"): number => parts.reduce((a, p) => a + p[k], 0);
    const latency = mergeEncoded(newHistogram(), parts.map((p) => p.latency));
    const summary = summarise(latency);
    const targetP95 = partTargets[g] ?? null;
    return {
      docs: c.docs,
      weight: round3(c.weight),
      share: scheduled === 0 ? 0 : round3((sum("sent") + sum("dropped")) / scheduled),
      sent: sum("sent"),
      ok: sum("ok"),
      errors: sum("errors"),
      dropped: sum("dropped"),
      achieved_rps: round3(sum("okInWindow") / durationS),
      latency_ms: summary,
      target_p95_ms: targetP95,
      pass: targetP95 === null || summary.p95 <= targetP95,
      histogram_latency_us: encodeHistogram(latency),
    };
  });
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
