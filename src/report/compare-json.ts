import { z } from "zod";
import type { CompareReport } from "../compare/report.js";
import { Capacity, LoadReport } from "../load/report.js";
import { LabelAgreement, PairAgreement } from "../compare/agreement.js";
import { DatasetSettings, QualityTest } from "../compare/report.js";
import { CostRow } from "../quality/cost.js";
import { QualityResult as Quality } from "../quality/evaluate.js";
import { checkJson, CheckReportJson } from "./check-json.js";
import { snakeKeys } from "./json-keys.js";

/** Bumped on any breaking change to the file's shape (2: snake_case throughout, embedded check reports as `check --json` writes them). */
export const COMPARE_REPORT_VERSION = 2;

/** One scenario's capacity on one target (load --find-max's `capacity[]` entry without its steps). */
const CompareCapacity = Capacity.pick({ scenario: true, docs: true, mix: true, max_rps: true, failed_rps: true, target_p95_ms: true, stopped_by: true }).strict();

const TargetResult = z.strictObject({
  label: z.string(),
  /** The spec as given on the command line or in --config. */
  spec: z.string(),
  dialect: z.string(),
  model: z.string().optional(),
  base_url: z.string().optional(),
  /** Absent with --skip-checks or when the target could not start. */
  conformance: CheckReportJson.optional(),
  load: LoadReport.optional(),
  /** --find-max: this target's capacity per scenario (documents count or mix); the steps are in load.capacity. */
  capacity: z.array(CompareCapacity).optional(),
  /** Ranking against fixtures/relevance.json labels. */
  labels: LabelAgreement.optional(),
  /** Sets that could not be scored, "id: reason". */
  agreement_failures: z.array(z.string()).optional(),
  /** --dataset: NDCG@10, MAP, MRR@10, recall@10 (absent without it). */
  quality: Quality.optional(),
  /** Set when the target could not start (exit 2). */
  error: z.string().optional(),
  log_file: z.string().optional(),
});

/** `compare --json FILE`. The single source of the published schemas/compare-report.schema.json. */
export const CompareReportJson = z.strictObject({
  schema_version: z.literal(COMPARE_REPORT_VERSION),
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
  targets: z.array(TargetResult),
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
export type CompareReportJson = z.infer<typeof CompareReportJson>;

/** The --json file: snake_case mechanically, each target's conformance as `check --json` writes it. */
export function compareJson(report: CompareReport): CompareReportJson {
  const targets = report.targets.map(({ conformance, ...t }) => ({ ...t, ...(conformance ? { conformance: checkJson(conformance) } : {}) }));
  return { schema_version: COMPARE_REPORT_VERSION, ...(snakeKeys({ ...report, targets }) as object) } as CompareReportJson;
}
