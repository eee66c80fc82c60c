import type { ConformanceReport } from "../checks/run.js";
import type { Capacity, LoadReport } from "../load/report.js";
import type { LabelAgreement, PairAgreement } from "./agreement.js";
import type { CostRow } from "../quality/cost.js";
import type { QualityResult } from "../quality/evaluate.js";
import type { Dataset } from "../quality/dataset.js";

/** One target's part of a comparison (the `--json` file's `targets[]`). */
export interface CompareTargetResult {
  label: string;
  /** The spec as given on the command line or in --config. */
  spec: string;
  dialect: string;
  model?: string;
  baseUrl?: string;
  /** Absent with --skip-checks or when the target could not start. */
  conformance?: ConformanceReport;
  load?: LoadReport;
  /** --find-max: this target's capacity per scenario (documents count or mix); the steps are in load.capacity. */
  capacity?: CompareCapacity[];
  /** Ranking against fixtures/relevance.json labels. */
  labels?: LabelAgreement;
  /** Sets that could not be scored, "id: reason". */
  agreement_failures?: string[];
  /** NDCG@10, MAP, MRR@10, recall@10 on --dataset (absent without it). */
  quality?: QualityResult;
  /** Set when the target could not start (exit 2). */
  error?: string;
  logFile?: string;
}

/** One scenario's capacity on one target: max_rps null when no rate passed. */
export type CompareCapacity = Pick<Capacity, "scenario" | "docs" | "mix" | "max_rps" | "failed_rps" | "target_p95_ms" | "stopped_by">;

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

export interface CompareReport {
  startedAt: string;
  durationMs: number;
  settings: {
    seed: number;
    docs?: number[];
    rate?: number;
    duration_ms: number;
    skip_checks: boolean;
    skip_load: boolean;
    /** Load ran as a --find-max search per scenario. */
    find_max?: boolean;
    same_model: boolean;
    relevance_sets: number;
    /** --dataset: what was evaluated. */
    dataset?: DatasetSettings;
    /** --price, as given. */
    prices?: string[];
  };
  targets: CompareTargetResult[];
  /** Every later target against the first (the baseline). */
  agreement: PairAgreement[];
  /** --dataset: the baseline against each other target on per-query NDCG@10. */
  quality_tests?: QualityTest[];
  /** --price: cost per 1,000 queries per target and documents count. */
  cost?: CostRow[];
  /** --price labels that matched no target. */
  unmatched_prices?: string[];
  /** No MUST check failed, no load threshold failed, every target started. */
  passed: boolean;
}

/** Exit code: 2 a target could not start, 1 a check or threshold failed, 0 otherwise. */
export function compareExitCode(report: CompareReport): 0 | 1 | 2 {
  if (report.targets.some((t) => t.error !== undefined)) return 2;
  return report.passed ? 0 : 1;
}

/** `quality_tests[]`: the baseline against each other target on per-query NDCG@10. */
export interface QualityTest {
  a: string;
  b: string;
  metric: "ndcg_at_10";
  /** mean(b) − mean(a) over the queries both scored. */
  delta: number;
  p_value: number;
  queries: number;
  test: "paired randomization, two-sided";
  permutations: number;
  /** p_value < `significance_level`. */
  significant: boolean;
  significance_level: number;
}

export interface DatasetSettings {
  path: string;
  format: Dataset["format"];
  queries: number;
  skipped: Record<string, number>;
  candidates: number | null;
}
