import { mergeEncoded, newHistogram } from "../load/histogram.js";
import { formatMix } from "../load/mix.js";
import { emptyErrorCounts, ERROR_CLASSES } from "../load/outcome.js";
import { LOAD_REPORT_VERSION, LoadReport, type ScenarioResult, type ScenarioTargetView, type SeriesPoint } from "../load/report.js";
import { judgeScenario, type MixMeasurement } from "../load/summarise.js";
import { targetFor, type TargetsFile } from "../load/targets.js";
import { targetView } from "../load/verdict.js";
import { DistributedInputError, MergeMismatchError } from "./errors.js";
import { unionMs } from "./windows.js";

// `rerank-harness merge`: several machines' `load --json` reports become one run, exactly:
// HdrHistograms are added (no percentile averaging), counts summed, and the achieved rate is
// taken over the union of the measured windows. The result is judged by the code `load` uses.

export interface NamedReport {
  /** Names the runner in messages and in `distributed.runner_names` (the file path). */
  name: string;
  report: LoadReport;
}

/** HdrHistogram at 3 significant digits: every recorded value is within 0.1% of the true one. */
export const HDR_ERROR_PCT = 0.1;

/** Parses one report file's text: the schema version first, so a mismatch says which version. */
export function parseRunnerReport(text: string, name: string): LoadReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DistributedInputError(`${name}: not JSON: ${(err as Error).message}`);
  }
  const version = (json as { schema_version?: unknown } | null)?.schema_version;
  if (version !== LOAD_REPORT_VERSION) {
    throw new MergeMismatchError(`${name}: schema_version ${JSON.stringify(version)}, but merge reads load reports of schema_version ${LOAD_REPORT_VERSION}`);
  }
  const parsed = LoadReport.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DistributedInputError(`${name}: not a load report: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

const workloadKey = (s: ScenarioResult): string =>
  JSON.stringify({
    docs: s.docs,
    mode: s.mode,
    arrival: s.arrival ?? null,
    mix: s.mix ? formatMix(s.mix.map((p) => ({ docs: p.docs, weight: p.weight }))) : null,
    doc_tokens: s.workload.doc_tokens,
    query_tokens: s.workload.query_tokens,
    corpus: s.workload.corpus,
  });

/** Refuses reports that are not slices of one run, naming the first difference. */
export function checkMergeable(inputs: NamedReport[], { ownTargets }: { ownTargets: boolean }): void {
  if (inputs.length === 0) throw new DistributedInputError("no reports to merge");
  const [first, ...rest] = inputs;
  const a = first!.report;
  for (const { name, report: b } of rest) {
    const differs = (what: string, x: unknown, y: unknown): never => {
      throw new MergeMismatchError(`${name} is not the same run as ${first!.name}: ${what}: ${JSON.stringify(y)} here, ${JSON.stringify(x)} there`);
    };
    if (a.schema_version !== b.schema_version) differs("schema_version", a.schema_version, b.schema_version);
    if (a.target !== b.target) differs("target", a.target, b.target);
    if (a.dialect !== b.dialect) differs("dialect", a.dialect, b.dialect);
    if (a.testid !== undefined && b.testid !== undefined && a.testid !== b.testid) differs("testid", a.testid, b.testid);
    const names = (r: LoadReport): string[] => r.scenarios.map((s) => s.name);
    if (names(a).join(",") !== names(b).join(",")) differs("scenarios", names(a), names(b));
    for (const [i, sa] of a.scenarios.entries()) {
      const sb = b.scenarios[i]!;
      if (workloadKey(sa) !== workloadKey(sb)) differs(`workload of ${sa.name}`, JSON.parse(workloadKey(sa)), JSON.parse(workloadKey(sb)));
      if (sa.target.max_error_rate !== sb.target.max_error_rate) differs(`${sa.name} max error rate`, sa.target.max_error_rate, sb.target.max_error_rate);
      if (ownTargets && sa.target.p95_ms !== sb.target.p95_ms) differs(`${sa.name} p95 target`, sa.target.p95_ms, sb.target.p95_ms);
    }
  }
  for (const { name, report } of inputs) {
    if (report.capacity) throw new MergeMismatchError(`${name} is a --find-max search: its scenarios are single steps and cannot be merged`);
  }
}

export interface MergeOptions {
  /** Judge against this targets file instead of the reports' own targets. */
  targets?: TargetsFile;
  targetsSource?: string;
}

/** Merges the reports of one run's runners into one report with one verdict. */
export function mergeReports(inputs: NamedReport[], options: MergeOptions = {}): LoadReport {
  checkMergeable(inputs, { ownTargets: options.targets === undefined });
  const notes: string[] = [];
  const first = inputs[0]!.report;
  const scenarios = first.scenarios.map((_, i) =>
    mergeScenario(
      inputs.map((x) => x.report.scenarios[i]!),
      options.targets,
      notes,
    ),
  );
  const seeds = new Set(inputs.flatMap((x) => x.report.scenarios.map((s) => s.workload.seed)));
  if (seeds.size > 1) notes.push(`the runners used different seeds (${[...seeds].join(", ")}): the same workload shape, different requests`);
  const testids = new Set(inputs.map((x) => x.report.testid).filter((t) => t !== undefined));
  const targetsSource = options.targets ? options.targetsSource : first.targets_source;
  return {
    schema_version: LOAD_REPORT_VERSION,
    target: first.target,
    dialect: first.dialect,
    started_at: inputs.map((x) => x.report.started_at).sort()[0]!,
    scenarios,
    passed: scenarios.every((s) => s.pass),
    ...(targetsSource !== undefined ? { targets_source: targetsSource } : {}),
    ...(testids.size === 1 ? { testid: [...testids][0]! } : {}),
    distributed: {
      kind: "merge",
      runners: inputs.length,
      runner_names: inputs.map((x) => x.name),
      ...(testids.size === 1 ? { testid: [...testids][0]! } : {}),
      percentile_error_pct: HDR_ERROR_PCT,
      notes: [...new Set(notes)],
    },
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const okInWindow = (s: { ok_in_window?: number | undefined; achieved_rps: number }, durationS: number): number =>
  s.ok_in_window ?? Math.round(s.achieved_rps * durationS);

function mergeScenario(parts: ScenarioResult[], targets: TargetsFile | undefined, notes: string[]): ScenarioResult {
  const a = parts[0]!;
  const sum = (f: (s: ScenarioResult) => number): number => parts.reduce((t, s) => t + f(s), 0);
  // The achieved rate over the union of the measured windows: runners side by side count once.
  const windows = parts.map((s) => (s.window ? ([Date.parse(s.window.start), Date.parse(s.window.end)] as const) : undefined));
  let windowMs: number;
  let window: { start: string; end: string } | undefined;
  if (windows.every((w) => w !== undefined)) {
    windowMs = unionMs(windows);
    window = { start: new Date(Math.min(...windows.map((w) => w[0]))).toISOString(), end: new Date(Math.max(...windows.map((w) => w[1]))).toISOString() };
  } else {
    windowMs = Math.max(...parts.map((s) => s.duration_s)) * 1000;
    notes.push("some reports predate the window field: their windows are taken to overlap (the achieved rate assumes the runners ran side by side)");
  }
  const windowS = windowMs / 1000;
  // Offered load over the same union: the rate all runners together scheduled.
  const offered = a.mode === "open" ? round3(sum((s) => (s.offered_rps ?? 0) * s.duration_s) / windowS) : null;
  const errorsByClass = emptyErrorCounts();
  const statusCounts: Record<string, number> = {};
  const sampleErrors: Record<string, string> = {};
  for (const s of parts) {
    for (const c of ERROR_CLASSES) errorsByClass[c] += s.errors_by_class[c];
    for (const [k, n] of Object.entries(s.status_counts)) statusCounts[k] = (statusCounts[k] ?? 0) + n;
    for (const [k, msg] of Object.entries(s.sample_errors)) sampleErrors[k] ??= msg;
  }
  if (parts.some((s) => Object.keys(s.server_timing_ms).length > 0))
    notes.push("server timing headers are summarised per runner only (no histograms stored): left out of the merge");

  const mix: MixMeasurement[] | undefined = a.mix?.map((p, g) => {
    const ps = parts.map((s) => s.mix![g]!);
    const psum = (f: (x: (typeof ps)[number]) => number): number => ps.reduce((t, x) => t + f(x), 0);
    return {
      docs: p.docs,
      weight: p.weight,
      sent: psum((x) => x.sent),
      ok: psum((x) => x.ok),
      errors: psum((x) => x.errors),
      dropped: psum((x) => x.dropped),
      okInWindow: parts.reduce((t, s, i) => t + okInWindow(ps[i]!, s.duration_s), 0),
      latency: mergeEncoded(
        newHistogram(),
        ps.map((x) => x.histogram_latency_us),
      ),
      targetP95: targets ? (targetFor(targets, p.docs)?.p95_ms ?? null) : p.target_p95_ms,
    };
  });

  let target: ScenarioTargetView;
  if (targets) {
    target = targetView(
      { name: a.name, docs: a.docs, mode: a.mode, rate: offered, concurrency: a.concurrency, target: targetFor(targets, a.docs) },
      targets,
      a.target.max_error_rate,
    );
  } else {
    const mins = parts.map((s) => s.target.min_achieved_rps);
    target = {
      ...a.target,
      min_achieved_rps: mins.every((m) => m !== null) ? round3(parts.reduce((t, s) => t + s.target.min_achieved_rps! * s.duration_s, 0) / windowS) : null,
    };
  }

  return judgeScenario(
    {
      identity: {
        name: a.name,
        docs: a.docs,
        mode: a.mode,
        ...(a.arrival !== undefined ? { arrival: a.arrival } : {}),
        offered_rps: offered,
        concurrency: a.concurrency === null ? null : sum((s) => s.concurrency ?? 0),
        duration_s: round3(windowS),
        warmup_s: a.warmup_s,
        workers: sum((s) => s.workers),
        max_inflight: sum((s) => s.max_inflight),
        timeout_ms: a.timeout_ms,
        workload: a.workload,
      },
      windowS,
      ...(window ? { window } : {}),
      sent: sum((s) => s.sent),
      ok: sum((s) => s.ok),
      dropped: sum((s) => s.dropped),
      okInWindow: sum((s) => okInWindow(s, s.duration_s)),
      errorsByClass,
      statusCounts,
      sampleErrors,
      latency: mergeEncoded(
        newHistogram(),
        parts.map((s) => s.histograms.latency_us),
      ),
      service: mergeEncoded(
        newHistogram(),
        parts.map((s) => s.histograms.service_time_us),
      ),
      lag: mergeEncoded(
        newHistogram(),
        parts.map((s) => s.histograms.generator_lag_us),
      ),
      serverTiming: {},
      series: mergeSeriesPoints(parts, window ? Date.parse(window.start) : undefined),
      ...(mix ? { mix } : {}),
    },
    target,
  );
}

/**
 * Per-second points of several runners on one time axis (their windows' wall-clock starts),
 * counts summed. Percentiles per second cannot be merged from points: the higher runner's p50/p99
 * stands (an upper bound), which is what a per-second chart needs to show trouble.
 */
function mergeSeriesPoints(parts: ScenarioResult[], startMs: number | undefined): SeriesPoint[] {
  const byT = new Map<number, SeriesPoint>();
  for (const s of parts) {
    const shift = startMs !== undefined && s.window ? Math.round((Date.parse(s.window.start) - startMs) / 1000) : 0;
    for (const p of s.series) {
      const t = p.t + shift;
      const m = byT.get(t);
      if (!m) byT.set(t, { ...p, t });
      else {
        m.sent += p.sent;
        m.ok += p.ok;
        m.errors += p.errors;
        m.dropped += p.dropped;
        m.p50_ms = Math.max(m.p50_ms, p.p50_ms);
        m.p99_ms = Math.max(m.p99_ms, p.p99_ms);
      }
    }
  }
  return [...byT.values()].sort((x, y) => x.t - y.t);
}
