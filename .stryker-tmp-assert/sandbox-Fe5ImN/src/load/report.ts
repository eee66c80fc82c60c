// @ts-nocheck
import { z } from "zod";
import { ERROR_CLASSES } from "./outcome.js";

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

const ErrorCounts = z.object(Object.fromEntries(ERROR_CLASSES.map((c) => [c, z.number().int()])) as Record<(typeof ERROR_CLASSES)[number], z.ZodNumber>);

export const ScenarioResult = z.object({
  name: z.string(),
  docs: z.number().int(),
  mode: z.enum(["open", "closed"]),
  offered_rps: z.number().nullable(),
  concurrency: z.number().int().nullable(),
  duration_s: z.number(),
  warmup_s: z.number(),
  workers: z.number().int(),
  max_inflight: z.number().int(),
  timeout_ms: z.number(),
  /** Requests due in the measured window that were sent. */
  sent: z.number().int(),
  /** …that came back 2xx with a body the dialect accepts. */
  ok: z.number().int(),
  errors: z.number().int(),
  /** Due in the window but not sent: max in-flight was reached. */
  dropped: z.number().int(),
  /** Successful responses completed within the measured window, per second. */
  achieved_rps: z.number(),
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
});
export type LoadReport = z.infer<typeof LoadReport>;
