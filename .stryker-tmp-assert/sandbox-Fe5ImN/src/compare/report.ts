// @ts-nocheck
import type { ConformanceReport } from "../checks/run.js";
import type { LoadReport } from "../load/report.js";
import type { LabelAgreement, PairAgreement } from "./agreement.js";

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
  /** Ranking against fixtures/relevance.json labels. */
  labels?: LabelAgreement;
  /** Sets that could not be scored, "id: reason". */
  agreement_failures?: string[];
  /** Set when the target could not start (exit 2). */
  error?: string;
  logFile?: string;
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
    same_model: boolean;
    relevance_sets: number;
  };
  targets: CompareTargetResult[];
  /** Every later target against the first (the baseline). */
  agreement: PairAgreement[];
  /** No MUST check failed, no load threshold failed, every target started. */
  passed: boolean;
}

/** Exit code: 2 a target could not start, 1 a check or threshold failed, 0 otherwise. */
export function compareExitCode(report: CompareReport): 0 | 1 | 2 {
  if (report.targets.some((t) => t.error !== undefined)) return 2;
  return report.passed ? 0 : 1;
}
