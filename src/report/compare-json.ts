import { z } from "zod";
import type { CompareReport } from "../compare/report.js";
import { Capacity, LoadReport } from "../load/report.js";
import { PRICE_UNITS } from "../quality/cost.js";
import { checkJson, CheckReportJson } from "./check-json.js";
import { snakeKeys } from "./json-keys.js";

/** Bumped on any breaking change to the file's shape (2: snake_case throughout, embedded check reports as `check --json` writes them). */
export const COMPARE_REPORT_VERSION = 2;

/** One scenario's capacity on one target (load --find-max's `capacity[]` entry without its steps). */
const CompareCapacity = Capacity.pick({ scenario: true, docs: true, mix: true, max_rps: true, failed_rps: true, target_p95_ms: true, stopped_by: true }).strict();

const nullableNumber = z.number().nullable();

/** `targets[].quality`: --dataset averages over the queries the target scored, and each query's figures. */
const Quality = z.strictObject({
  ndcg_at_10: nullableNumber,
  map: nullableNumber,
  mrr_at_10: nullableNumber,
  recall_at_10: nullableNumber,
  /** Queries scored (in the averages). */
  queries: z.number().int(),
  /** Queries that could not be scored (not in the averages). */
  failed_queries: z.number().int(),
  /** The first few failures, "query id: why". */
  failures: z.array(z.string()),
  /** Most documents sent in one request (the dialect's documented limit, or all candidates). */
  batch_size: z.number().int().nullable(),
  requests: z.number().int(),
  per_query: z.array(
    z.strictObject({ query_id: z.string(), ndcg_at_10: z.number(), ap: z.number(), rr_at_10: z.number(), recall_at_10: z.number() }),
  ),
});

/** --dataset: the baseline against another target on per-query NDCG@10. */
const QualityTest = z.strictObject({
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

/** --price: cost per 1,000 queries for one target and documents count. */
const CostRow = z.strictObject({
  target: z.string(),
  docs: z.number().int(),
  price: z.string(),
  unit: z.enum(PRICE_UNITS),
  requests_per_query: z.number(),
  /** Billed units per query: requests, search units, or (hourly) null. */
  units_per_query: nullableNumber,
  throughput_rps: nullableNumber,
  /** achieved: compare's load run; capacity: the highest sustained rate (--find-max). */
  throughput_source: z.enum(["achieved", "capacity"]).nullable(),
  /** null where an hourly price has no throughput at this documents count. */
  cost_per_1k_queries: nullableNumber,
  note: z.string().optional(),
});

/** --dataset: what was evaluated. */
const DatasetSettings = z.strictObject({
  path: z.string(),
  format: z.enum(["mteb", "beir"]),
  queries: z.number().int(),
  /** Lines or queries skipped, by reason. */
  skipped: z.record(z.string(), z.number().int()),
  candidates: z.number().int().nullable(),
});

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
  labels: z.strictObject({ sets: z.number().int(), hit_at_1: z.number().nullable(), mrr: z.number().nullable() }).optional(),
  /** Sets that could not be scored, "id: reason". */
  agreement_failures: z.array(z.string()).optional(),
  /** --dataset: NDCG@10, MAP, MRR@10, recall@10 (absent without it). */
  quality: Quality.optional(),
  /** Set when the target could not start (exit 2). */
  error: z.string().optional(),
  log_file: z.string().optional(),
});

const PairAgreement = z.strictObject({
  /** Labels of the two targets; `a` is the baseline (the first target). */
  a: z.string(),
  b: z.string(),
  sets: z.number().int(),
  top1: z.number().nullable(),
  kendall_tau: z.number().nullable(),
  /** Only when both serve the same model; on `score_scale`. */
  mean_abs_delta_score: z.number().nullable().optional(),
  /** The scale of mean_abs_delta_score: probability (logit scores are mapped through the sigmoid first). */
  score_scale: z.literal("probability").optional(),
  /** What each target returned before the mapping. */
  score_kinds: z.strictObject({ a: z.enum(["probability", "logit"]), b: z.enum(["probability", "logit"]) }).optional(),
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
