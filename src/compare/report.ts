import { z } from "zod";
import { CheckReportJson, ConformanceReport } from "../checks/report.js";
import { Capacity, LoadReport } from "../load/report.js";
import { LabelAgreement, PairAgreement } from "./agreement.js";
import { CostRow } from "../quality/cost.js";
import { QualityResult } from "../quality/evaluate.js";

// The shape of a comparison: what runCompare returns, what every renderer reads, and (with
// schema_version added, at the top and in each target's conformance) the `compare --json` file.
// One source of truth, snake_case as the file has it; the types below are inferred from it.

/** Bumped on any breaking change to the file's shape (2: snake_case throughout, embedded check reports as `check --json` writes them). */
export const COMPARE_REPORT_VERSION = 2;

/** `quality_tests[]`: the baseline against each other target on per-query NDCG@10. */
export const QualityTest = z.strictObject({
  a: z.string(),
  b: z.string(),
  metric: z.literal("ndcg_at_10"),
  /** mean(b) − mean(a) over the queries both scored. */
  delta: z.number(),
  p_value: z.number(),
  queries: z.number().int(),
  test: z.literal("paired randomization, two-sided"),
  permutations: z.number().int(),
  /** p_value < significance_level. */
  significant: z.boolean(),
  significance_level: z.number(),
});
export type QualityTest = z.infer<typeof QualityTest>;

/** `settings.dataset`, --dataset: what was evaluated. */
export const DatasetSettings = z.strictObject({
  path: z.string(),
  format: z.enum(["mteb", "beir"]),
  queries: z.number().int(),
  /** Lines or queries skipped, by reason. */
  skipped: z.record(z.string(), z.number().int()),
  candidates: z.number().int().nullable(),
});
export type DatasetSettings = z.infer<typeof DatasetSettings>;

/** One scenario's capacity on one target (load --find-max's `capacity[]` entry without its steps): max_rps null when no rate passed. */
export const CompareCapacity = Capacity.pick({
  scenario: true,
  docs: true,
  mix: true,
  max_rps: true,
  failed_rps: true,
  target_p95_ms: true,
  stopped_by: true,
}).strict();
export type CompareCapacity = z.infer<typeof CompareCapacity>;

/** One target's part of a comparison (the `--json` file's `targets[]`). */
export const CompareTargetResult = z.strictObject({
  label: z.string(),
  /** The spec as given on the command line or in --config. */
  spec: z.string(),
  dialect: z.string(),
  model: z.string().optional(),
  base_url: z.string().optional(),
  /** Absent with --skip-checks or when the target could not start. */
  conformance: ConformanceReport.optional(),
  load: LoadReport.optional(),
  /** --find-max: this target's capacity per scenario (documents count or mix); the steps are in load.capacity. */
  capacity: z.array(CompareCapacity).optional(),
  /** Ranking against fixtures/relevance.json labels. */
  labels: LabelAgreement.optional(),
  /** Sets that could not be scored, "id: reason". */
  agreement_failures: z.array(z.string()).optional(),
  /** --dataset: NDCG@10, MAP, MRR@10, recall@10 (absent without it). */
  quality: QualityResult.optional(),
  /** Set when the target could not start (exit 2). */
  error: z.string().optional(),
  log_file: z.string().optional(),
});
export type CompareTargetResult = z.infer<typeof CompareTargetResult>;

/** What runCompare returns: the `compare --json` file without its schema_version(s). */
export const CompareReport = z.strictObject({
  started_at: z.string(),
  duration_ms: z.number(),
  settings: z.strictObject({
    seed: z.number().int(),
    docs: z.array(z.number().int()).optional(),
    rate: z.number().optional(),
    duration_ms: z.number(),
    skip_checks: z.boolean(),
    skip_load: z.boolean(),
    /** Load ran as a --find-max search per scenario. */
    find_max: z.boolean().optional(),
    same_model: z.boolean(),
    relevance_sets: z.number().int(),
    /** --dataset: what was evaluated. */
    dataset: DatasetSettings.optional(),
    /** --price, as given. */
    prices: z.array(z.string()).optional(),
  }),
  targets: z.array(CompareTargetResult),
  /** Every later target against the first (the baseline). */
  agreement: z.array(PairAgreement),
  /** --dataset: the baseline against each other target on per-query NDCG@10. */
  quality_tests: z.array(QualityTest).optional(),
  /** --price: cost per 1,000 queries per target and documents count. */
  cost: z.array(CostRow).optional(),
  /** --price labels that matched no target. */
  unmatched_prices: z.array(z.string()).optional(),
  /** No MUST check failed, no load threshold failed, every target started. */
  passed: z.boolean(),
});
export type CompareReport = z.infer<typeof CompareReport>;

/** A target of the --json file: its conformance as `check --json` writes it (with schema_version). */
const CompareTargetJson = CompareTargetResult.extend({ conformance: CheckReportJson.optional() });

/** `compare --json FILE`: schema_version, then the report. The single source of the published schemas/compare-report.schema.json. */
export const CompareReportJson = z.strictObject({
  schema_version: z.literal(COMPARE_REPORT_VERSION),
  ...CompareReport.shape,
  targets: z.array(CompareTargetJson),
});
export type CompareReportJson = z.infer<typeof CompareReportJson>;

/** A capacity entry without its steps. */
export function capacitySummary(c: Capacity): CompareCapacity {
  return {
    scenario: c.scenario,
    docs: c.docs,
    ...(c.mix !== undefined ? { mix: c.mix } : {}),
    max_rps: c.max_rps,
    failed_rps: c.failed_rps,
    target_p95_ms: c.target_p95_ms,
    stopped_by: c.stopped_by,
  };
}

/** Exit code: 2 a target could not start, 1 a check or threshold failed, 0 otherwise. */
export function compareExitCode(report: CompareReport): 0 | 1 | 2 {
  if (report.targets.some((t) => t.error !== undefined)) return 2;
  return report.passed ? 0 : 1;
}
