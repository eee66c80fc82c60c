import { z } from "zod";
import { ERROR_CLASSES } from "./outcome.js";
import { ARRIVALS } from "./arrival.js";

// The shape of a load report: the --json file, what runLoad returns, and what `compare` and the
// HTML page read. One source of truth; the types below are inferred from it.

export const LatencySummary = z.object({
  min: z.number(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type LatencySummary = z.infer<typeof LatencySummary>;

/** One second of the measured window (t = seconds from its start; completions after it run on). */
export const SeriesPoint = z.object({
  t: z.number().int(),
  /** Requests due in this second that were sent. */
  sent: z.number().int(),
  /** Successful responses completed in this second. */
  ok: z.number().int(),
  errors: z.number().int(),
  /** Requests due in this second that were dropped (max in-flight reached). */
  dropped: z.number().int(),
  p50_ms: z.number(),
  p99_ms: z.number(),
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

export const PercentilePoint = z.object({ percentile: z.number(), latency_ms: z.number() });

/** What a scenario was judged against. */
export const ScenarioTargetView = z.object({
  /** The targets file's p95 ceiling; null where the file has none for this document count. */
  p95_ms: z.number().nullable(),
  /** The targets file's rate; null where it has none. */
  rps: z.number().nullable(),
  /** Achieved rate needed to pass: (1 − tolerance) × offered rate (open loop) or × target rate (closed loop). */
  min_achieved_rps: z.number().nullable(),
  /** (errors + dropped) / scheduled must stay at or under this. */
  max_error_rate: z.number(),
});
export type ScenarioTargetView = z.infer<typeof ScenarioTargetView>;

/** Why `--abort-on-fail` stopped a scenario (or a find-max step) early; docs/records.md states each rule. */
export const ABORT_REASONS = ["error_budget", "unreachable_rate", "over_saturated"] as const;
export const AbortInfo = z.object({
  reason: z.enum(ABORT_REASONS),
  /** The rule's figures at the moment it fired, in words. */
  detail: z.string(),
  /** Seconds from the scenario's start (warm-up included) to the stop. */
  at_s: z.number(),
  /** The measured time it was planned to run (duration_s is the time it ran). */
  planned_duration_s: z.number(),
  /** Requests still in flight at the stop: abandoned (their connections closed), in no other count. */
  abandoned: z.number().int(),
});
export type AbortInfo = z.infer<typeof AbortInfo>;

const ErrorCounts = z.object(Object.fromEntries(ERROR_CLASSES.map((c) => [c, z.number().int()])) as Record<(typeof ERROR_CLASSES)[number], z.ZodNumber>);

/** One documents count of a mixed scenario (`--mix`): its own counts, latency and verdict. */
export const MixPart = z.object({
  docs: z.number().int(),
  /** The share asked for (normalised weight). */
  weight: z.number(),
  /** The share of the measured window's scheduled requests (sent + dropped) that had this count. */
  share: z.number(),
  sent: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  dropped: z.number().int(),
  achieved_rps: z.number(),
  ok_in_window: z.number().int().optional(),
  latency_ms: LatencySummary,
  /** The targets file's p95 for this count; null where it has none. */
  target_p95_ms: z.number().nullable(),
  pass: z.boolean(),
  histogram_latency_us: z.string(),
});
export type MixPart = z.infer<typeof MixPart>;

export const ScenarioResult = z.object({
  name: z.string(),
  /** Documents per request (a mix: the weighted mean, rounded; see `mix`). */
  docs: z.number().int(),
  mode: z.enum(["open", "closed"]),
  /** Open loop: how intended send times were spaced (absent in reports from before it existed). */
  arrival: z.enum(ARRIVALS).optional(),
  /** A mixed scenario's parts, per documents count; the scenario's own figures are the overall ones. */
  mix: z.array(MixPart).optional(),
  offered_rps: z.number().nullable(),
  concurrency: z.number().int().nullable(),
  duration_s: z.number(),
  warmup_s: z.number(),
  workers: z.number().int(),
  max_inflight: z.number().int(),
  timeout_ms: z.number(),
  /** Wall-clock bounds of the measured window (ISO 8601): `merge` takes the achieved rate over their union. */
  window: z.object({ start: z.string(), end: z.string() }).optional(),
  /** Requests due in the measured window that were sent. */
  sent: z.number().int(),
  /** …that came back 2xx with a body the dialect accepts. */
  ok: z.number().int(),
  errors: z.number().int(),
  /** Due in the window but not sent: max in-flight was reached. */
  dropped: z.number().int(),
  /** Successful responses completed within the measured window, per second. */
  achieved_rps: z.number(),
  /** Successful responses completed within the measured window (achieved_rps × the window, exactly). */
  ok_in_window: z.number().int().optional(),
  /** (errors + dropped) / (sent + dropped). */
  error_rate: z.number(),
  errors_by_class: ErrorCounts,
  status_counts: z.record(z.string(), z.number().int()),
  /** The first error message seen per class (truncated). */
  sample_errors: z.record(z.string(), z.string()),
  /** Completion − intended send time, successful requests: what a user waits (open loop). */
  latency_ms: LatencySummary,
  /** Completion − actual send time. */
  service_time_ms: LatencySummary,
  /** Actual − intended send time: how late the generator was. */
  generator_lag_ms: LatencySummary,
  /** Server timing headers (e.g. TEI's x-total-time, x-inference-time), when the server sent them. */
  server_timing_ms: z.record(z.string(), LatencySummary),
  target: ScenarioTargetView,
  pass: z.boolean(),
  /** Why it failed, one line each (empty when it passed). */
  failures: z.array(z.string()),
  /** --abort-on-fail stopped it early: when and why. */
  aborted: AbortInfo.optional(),
  series: z.array(SeriesPoint),
  distribution: z.array(PercentilePoint),
  /** HdrHistogram compressed base64 (microseconds): merge across runs or read with any HdrHistogram. */
  histograms: z.object({ latency_us: z.string(), service_time_us: z.string(), generator_lag_us: z.string() }),
  workload: z.object({
    doc_tokens: z.object({ mean: z.number(), spread: z.number() }),
    query_tokens: z.object({ mean: z.number(), spread: z.number() }),
    seed: z.number().int(),
    corpus: z.string(),
  }),
});
export type ScenarioResult = z.infer<typeof ScenarioResult>;

/** One step of a find-max search: one open-loop run at one offered rate. */
export const CapacityStep = z.object({
  offered_rps: z.number(),
  achieved_rps: z.number(),
  sent: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  dropped: z.number().int(),
  error_rate: z.number(),
  duration_s: z.number(),
  p50_ms: z.number(),
  p95_ms: z.number(),
  p99_ms: z.number(),
  pass: z.boolean(),
  failures: z.array(z.string()),
  /** --abort-on-fail ended the step early. */
  aborted: AbortInfo.optional(),
});
export type CapacityStep = z.infer<typeof CapacityStep>;

export const STOP_REASONS = ["resolution", "max_rate", "budget", "server_failing", "no_passing_rate"] as const;

/** The outcome of a find-max search for one scenario (documents count or mix). */
export const Capacity = z.object({
  scenario: z.string(),
  docs: z.number().int(),
  /** A mixed scenario's `D:W,…`. */
  mix: z.string().optional(),
  /** The highest offered rate that passed; null when none did. With stopped_by "max_rate" the capacity is at least this. */
  max_rps: z.number().nullable(),
  /** The lowest offered rate that failed, above max_rps; null when none did. */
  failed_rps: z.number().nullable(),
  target_p95_ms: z.number().nullable(),
  /** The targets file's rate for this count, for reference. */
  target_rps: z.number().nullable(),
  /**
   * resolution: failed_rps within the resolution of max_rps; max_rate: --max-rate passed;
   * budget: time ran out; server_failing: most requests of a step failed to connect;
   * no_passing_rate: even the lowest rate tried failed.
   */
  stopped_by: z.enum(STOP_REASONS),
  /** Steps in the order they ran. */
  steps: z.array(CapacityStep),
});
export type Capacity = z.infer<typeof Capacity>;

/** How the search ran (the same for every scenario). */
export const FindMaxInfo = z.object({
  max_rate: z.number(),
  budget_s: z.number(),
  resolution_pct: z.number(),
  growth: z.number(),
  /** Each step measures this many requests, as far as its time cap allows. */
  step_requests: z.number().int(),
  warmup_s: z.number(),
  max_step_s: z.number(),
  elapsed_s: z.number(),
});
export type FindMaxInfo = z.infer<typeof FindMaxInfo>;

export const BASELINE_METRICS = ["p50_ms", "p95_ms", "p99_ms", "achieved_rps", "max_rps"] as const;
export const BaselineVerdict = z.enum(["regressed", "improved", "same", "not_compared"]);

export const BaselineMetric = z.object({
  metric: z.enum(BASELINE_METRICS),
  baseline: z.number(),
  current: z.number(),
  /** (current − baseline) / baseline × 100; positive is slower (latency) or faster (rate). */
  change_pct: z.number().nullable(),
  /** 95% intervals from the recorded counts (see src/load/baseline.ts): the run-to-run noise. */
  baseline_ci: z.tuple([z.number(), z.number()]),
  current_ci: z.tuple([z.number(), z.number()]),
  verdict: BaselineVerdict,
  note: z.string().optional(),
});
export type BaselineMetric = z.infer<typeof BaselineMetric>;

export const BaselineScenario = z.object({
  name: z.string(),
  verdict: z.enum(["regressed", "improved", "same", "missing"]),
  metrics: z.array(BaselineMetric),
  /** The baseline's percentile distribution, to overlay on the chart. */
  baseline_distribution: z.array(PercentilePoint),
  note: z.string().optional(),
});
export type BaselineScenario = z.infer<typeof BaselineScenario>;

export const BaselineComparison = z.object({
  file: z.string(),
  baseline_started_at: z.string(),
  baseline_target: z.string(),
  max_regression_pct: z.number(),
  regressed: z.boolean(),
  scenarios: z.array(BaselineScenario),
});
export type BaselineComparison = z.infer<typeof BaselineComparison>;

/**
 * Where a run-wide report came from when it judges several runners at once (`merge`, `verdict`):
 * absent from a one-machine `load` report.
 */
export const DistributedSource = z.object({
  /** merge: load reports added exactly; prometheus: read back from Prometheus; k6-json: k6 `--out json` files. */
  kind: z.enum(["merge", "prometheus", "k6-json"]),
  /** How many runners (load machines, k6 instances) the verdict covers. */
  runners: z.number().int(),
  /** Their names (report files, `instance` labels or k6 files). */
  runner_names: z.array(z.string()),
  testid: z.string().optional(),
  /** Largest relative error of the latency percentiles against the exact ones, in percent. */
  percentile_error_pct: z.number(),
  /** Why the percentiles carry that error, and anything else a reader must know. */
  notes: z.array(z.string()),
});
export type DistributedSource = z.infer<typeof DistributedSource>;

/** What `load --out prometheus-rw=URL` sent, and what it could not. */
export const RemoteWriteStats = z.object({
  url: z.string(),
  requests_ok: z.number().int(),
  requests_failed: z.number().int(),
  samples_sent: z.number().int(),
  /** Samples (series points) that never reached the endpoint: it was down, slow or refused them. */
  samples_not_sent: z.number().int(),
  last_error: z.string().optional(),
});
export type RemoteWriteStats = z.infer<typeof RemoteWriteStats>;

/** Bumped on any breaking change to the file's shape (2: `started_at`, `targets_source`, `docs_N` names). */
export const LOAD_REPORT_VERSION = 2;

/** `load --json FILE`. The single source of the published schemas/load-report.schema.json. */
export const LoadReport = z.object({
  schema_version: z.literal(LOAD_REPORT_VERSION),
  /** The target's label. */
  target: z.string(),
  dialect: z.string(),
  started_at: z.string(),
  scenarios: z.array(ScenarioResult),
  passed: z.boolean(),
  /** Where the targets came from (file path or the built-in default). */
  targets_source: z.string().optional(),
  /** --find-max: per scenario, the highest passing rate and every step (scenarios[] then holds each search's best step). */
  capacity: z.array(Capacity).optional(),
  find_max: FindMaxInfo.optional(),
  /** --baseline: this run against an earlier report. */
  baseline: BaselineComparison.optional(),
  /** Names this run among others (`--testid`): the `testid` label of what it streamed. */
  testid: z.string().optional(),
  /** `merge` and `verdict`: the runners this verdict covers and the percentiles' error bound. */
  distributed: DistributedSource.optional(),
  /** `--out prometheus-rw=URL`: what was streamed. */
  remote_write: RemoteWriteStats.optional(),
});
export type LoadReport = z.infer<typeof LoadReport>;
