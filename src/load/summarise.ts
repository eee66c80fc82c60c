import { encodeHistogram, mergeEncoded, newHistogram, percentileDistribution, percentileMs, summarise, type Histogram } from "./histogram.js";
import type { LoadSettings } from "./options.js";
import { emptyErrorCounts, ERROR_CLASSES, type ErrorCounts } from "./outcome.js";
import type { ScenarioSpec } from "./plan.js";
import type { GroupCounts, ShardResult } from "./recorder.js";
import type { AbortInfo, LatencySummary, MixPart, ScenarioResult, ScenarioTargetView, SeriesPoint } from "./report.js";
import { errorRate, judge } from "./verdict.js";

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Everything a scenario's summary and verdict are made from: what ran (identity), the counts,
 * the histograms and the measured window. `load` builds it from its threads' shards; `merge`
 * from several machines' reports; `verdict` from Prometheus or k6 output. All then go through
 * `judgeScenario`, so one run-wide verdict is reached exactly as a one-machine one.
 */
export interface ScenarioMeasurement {
  identity: Pick<
    ScenarioResult,
    "name" | "docs" | "mode" | "arrival" | "offered_rps" | "concurrency" | "duration_s" | "warmup_s" | "workers" | "max_inflight" | "timeout_ms" | "workload"
  >;
  /** Seconds the achieved rate is taken over (one window, or the union of several runners' windows). */
  windowS: number;
  /** Wall-clock bounds of the measured window (absent where unknown). */
  window?: { start: string; end: string };
  sent: number;
  ok: number;
  dropped: number;
  /** Successful responses that completed inside the window: the achieved rate's numerator. */
  okInWindow: number;
  errorsByClass: ErrorCounts;
  statusCounts: Record<string, number>;
  sampleErrors: Record<string, string>;
  latency: Histogram;
  service: Histogram;
  lag: Histogram;
  serverTiming: Record<string, LatencySummary>;
  series: SeriesPoint[];
  /** A mix's parts, in mix order, each judged against its own p95 target. */
  mix?: MixMeasurement[];
  /** --abort-on-fail stopped it early: the first failure says when and why. */
  aborted?: AbortInfo;
}

export interface MixMeasurement extends GroupCounts {
  docs: number;
  weight: number;
  latency: Histogram;
  targetP95: number | null;
}

/** Summarises one scenario's measurements and judges them against `target`: the one verdict code. */
export function judgeScenario(m: ScenarioMeasurement, target: ScenarioTargetView): ScenarioResult {
  const { sent, dropped } = m;
  const errors = Object.values(m.errorsByClass).reduce((a, b) => a + b, 0);
  const achievedRps = m.windowS > 0 ? round3(m.okInWindow / m.windowS) : 0;
  const latencySummary = summarise(m.latency);
  // Poisson arrivals schedule a random number of requests: hold the achieved rate to the rate
  // actually scheduled in the window, not to the nominal one.
  if (m.identity.mode === "open" && m.identity.arrival === "poisson" && target.min_achieved_rps !== null && m.identity.offered_rps && m.windowS > 0) {
    const scheduledRps = (sent + dropped) / m.windowS;
    target = { ...target, min_achieved_rps: round3((target.min_achieved_rps * scheduledRps) / m.identity.offered_rps) };
  }
  const failures = judge({ sent, errors, dropped, achievedRps, p95Ms: latencySummary.p95 }, target);
  if (m.aborted) failures.unshift(abortLine(m.aborted));
  const mix = m.mix ? mixParts(m.mix, m.windowS) : undefined;
  for (const part of mix ?? []) {
    if (!part.pass)
      failures.push(`${part.docs} documents (${(part.weight * 100).toFixed(0)}% of the mix): p95 ${part.latency_ms.p95} ms > target ${part.target_p95_ms} ms`);
  }
  const id = m.identity;
  return {
    name: id.name,
    docs: id.docs,
    mode: id.mode,
    ...(id.arrival !== undefined ? { arrival: id.arrival } : {}),
    ...(mix ? { mix } : {}),
    offered_rps: id.offered_rps,
    concurrency: id.concurrency,
    duration_s: id.duration_s,
    warmup_s: id.warmup_s,
    workers: id.workers,
    max_inflight: id.max_inflight,
    timeout_ms: id.timeout_ms,
    ...(m.window ? { window: m.window } : {}),
    sent,
    ok: m.ok,
    errors,
    dropped,
    achieved_rps: achievedRps,
    ok_in_window: m.okInWindow,
    error_rate: round3(errorRate({ sent, errors, dropped }) * 1000) / 1000,
    errors_by_class: m.errorsByClass,
    status_counts: m.statusCounts,
    sample_errors: m.sampleErrors,
    latency_ms: latencySummary,
    service_time_ms: summarise(m.service),
    generator_lag_ms: summarise(m.lag),
    server_timing_ms: m.serverTiming,
    target,
    pass: failures.length === 0,
    failures,
    ...(m.aborted ? { aborted: m.aborted } : {}),
    series: m.series,
    distribution: percentileDistribution(m.latency),
    histograms: { latency_us: encodeHistogram(m.latency), service_time_us: encodeHistogram(m.service), generator_lag_us: encodeHistogram(m.lag) },
    workload: id.workload,
  };
}

/** Merges the shards' counts and histograms into one scenario result and judges it. */
export function summariseScenario(
  spec: ScenarioSpec,
  settings: LoadSettings,
  shards: ShardResult[],
  target: ScenarioTargetView,
  corpusName: string,
  /** A mix: each part's p95 target (null: none), in spec.mix order. */
  partTargets: Array<number | null> = [],
  /** Wall-clock start of the measured window (epoch ms), when known. */
  windowStartMs?: number,
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
  const serverTimingNames = new Set(shards.flatMap((s) => Object.keys(s.serverTimings)));
  const serverTiming = Object.fromEntries(
    [...serverTimingNames].sort().map((name) => [
      name,
      summarise(
        mergeEncoded(
          newHistogram(),
          shards.map((s) => s.serverTimings[name] ?? ""),
        ),
      ),
    ]),
  );
  const durationS = aborted ? round3(Math.min(settings.durationMs / 1000, Math.max(0, aborted.at_s - settings.warmupMs / 1000))) : settings.durationMs / 1000;
  return judgeScenario(
    {
      identity: {
        name: spec.name,
        docs: spec.docs,
        mode: spec.mode,
        ...(spec.mode === "open" ? { arrival: settings.arrival } : {}),
        offered_rps: spec.rate,
        concurrency: spec.concurrency,
        duration_s: durationS,
        warmup_s: settings.warmupMs / 1000,
        workers: shards.length,
        max_inflight: spec.concurrency ?? settings.maxInflight,
        timeout_ms: settings.timeoutMs,
        workload: { doc_tokens: settings.docTokens, query_tokens: settings.queryTokens, seed: settings.seed, corpus: corpusName },
      },
      windowS: durationS,
      ...(windowStartMs !== undefined
        ? { window: { start: new Date(windowStartMs).toISOString(), end: new Date(windowStartMs + durationS * 1000).toISOString() } }
        : {}),
      sent: sum("sent"),
      ok: sum("ok"),
      dropped: sum("dropped"),
      okInWindow: sum("okInWindow"),
      errorsByClass,
      statusCounts,
      sampleErrors,
      latency: mergeEncoded(
        newHistogram(),
        shards.map((s) => s.histograms.latency),
      ),
      service: mergeEncoded(
        newHistogram(),
        shards.map((s) => s.histograms.service),
      ),
      lag: mergeEncoded(
        newHistogram(),
        shards.map((s) => s.histograms.lag),
      ),
      serverTiming,
      series: mergeSeries(shards),
      ...(spec.mix ? { mix: shardMixParts(spec, shards, partTargets) } : {}),
      ...(aborted ? { aborted } : {}),
    },
    target,
  );
}

/** The first failure of an aborted scenario: when and why it stopped. */
export function abortLine(a: AbortInfo): string {
  return `aborted after ${a.at_s} s of ${a.planned_duration_s} s planned (${a.reason.replace(/_/g, " ")}): ${a.detail}${a.abandoned > 0 ? `; ${a.abandoned} requests in flight abandoned` : ""}`;
}

/** A mix's per-group measurements, summed over shards. */
function shardMixParts(spec: ScenarioSpec, shards: ShardResult[], partTargets: Array<number | null>): MixMeasurement[] {
  return spec.mix!.map((c, g) => {
    const parts = shards.map((s) => s.groups?.[g]).filter((x) => x !== undefined);
    const sum = (k: keyof GroupCounts): number => parts.reduce((a, p) => a + p[k], 0);
    return {
      docs: c.docs,
      weight: c.weight,
      sent: sum("sent"),
      ok: sum("ok"),
      errors: sum("errors"),
      dropped: sum("dropped"),
      okInWindow: sum("okInWindow"),
      latency: mergeEncoded(
        newHistogram(),
        parts.map((p) => p.latency),
      ),
      targetP95: partTargets[g] ?? null,
    };
  });
}

/** A mix's parts: each documents count's counts and latency, judged against its own p95 target. */
function mixParts(parts: MixMeasurement[], windowS: number): MixPart[] {
  const scheduled = parts.reduce((a, p) => a + p.sent + p.dropped, 0);
  return parts.map((p) => {
    const summary = summarise(p.latency);
    return {
      docs: p.docs,
      weight: round3(p.weight),
      share: scheduled === 0 ? 0 : round3((p.sent + p.dropped) / scheduled),
      sent: p.sent,
      ok: p.ok,
      errors: p.errors,
      dropped: p.dropped,
      achieved_rps: windowS > 0 ? round3(p.okInWindow / windowS) : 0,
      ok_in_window: p.okInWindow,
      latency_ms: summary,
      target_p95_ms: p.targetP95,
      pass: p.targetP95 === null || summary.p95 <= p.targetP95,
      histogram_latency_us: encodeHistogram(p.latency),
    };
  });
}

/** Per-second points over every second any shard saw, gaps filled with zeros. */
export function mergeSeries(shards: ShardResult[]): SeriesPoint[] {
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
