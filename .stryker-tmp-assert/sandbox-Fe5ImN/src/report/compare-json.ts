// @ts-nocheck
import { z } from "zod";
import type { CompareReport } from "../compare/report.js";
import { LoadReport } from "../load/report.js";
import { checkJson, CheckReportJson } from "./check-json.js";
import { snakeKeys } from "./json-keys.js";

/** Bumped on any breaking change to the file's shape (2: snake_case throughout, embedded check reports as `check --json` writes them). */
export const COMPARE_REPORT_VERSION = 2;

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
  /** Ranking against fixtures/relevance.json labels. */
  labels: z.strictObject({ sets: z.number().int(), hit_at_1: z.number().nullable(), mrr: z.number().nullable() }).optional(),
  /** Sets that could not be scored, "id: reason". */
  agreement_failures: z.array(z.string()).optional(),
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
  /** Only when both serve the same model. */
  mean_abs_delta_score: z.number().nullable().optional(),
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
    same_model: z.boolean(),
    relevance_sets: z.number().int(),
  }),
  targets: z.array(TargetResult),
  /** Every later target against the first (the baseline). */
  agreement: z.array(PairAgreement),
  /** No MUST check failed, no load threshold failed, every target started. */
  passed: z.boolean(),
});
export type CompareReportJson = z.infer<typeof CompareReportJson>;

/** The --json file: snake_case mechanically, each target's conformance as `check --json` writes it. */
export function compareJson(report: CompareReport): CompareReportJson {
  const targets = report.targets.map(({ conformance, ...t }) => ({ ...t, ...(conformance ? { conformance: checkJson(conformance) } : {}) }));
  return { schema_version: COMPARE_REPORT_VERSION, ...(snakeKeys({ ...report, targets }) as object) } as CompareReportJson;
}
