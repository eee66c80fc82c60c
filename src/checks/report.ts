import { z } from "zod";
import { Evidence } from "./evidence.js";
import { CHECK_STATUSES, type CheckStatus } from "./status.js";

// The shape of a conformance report: what runConformance returns, what every renderer reads,
// and (with schema_version in front) the `check --json` file. One source of truth, snake_case
// as the file has it; the types below are inferred from it, so the report object IS the file.

/** Bumped on any breaking change to the file's shape (1 was the camelCase `check-report@1`). */
export const CHECK_REPORT_VERSION = 2;

export const CHECK_LEVELS = ["MUST", "SHOULD"] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];

/** Set on an outcome when the check is listed as an expected failure (status known or xpass). */
export const KnownFault = z.strictObject({
  /** dialect: the dialect's list of upstream faults; expect-failures: the user's --expect-failures file. */
  origin: z.enum(["dialect", "expect-failures"]),
  /** The upstream file (dialect) or FILE:LINE (--expect-failures) the entry comes from. */
  source: z.string(),
  reason: z.string(),
});
export type KnownFault = z.infer<typeof KnownFault>;

/** One check's result: the report's `checks[]` entry. */
export const CheckOutcome = z.strictObject({
  /** Stable id, `area.name`: CI history keys on it. */
  id: z.string(),
  area: z.string(),
  level: z.enum(CHECK_LEVELS),
  statement: z.string(),
  /** Where the expectation comes from (upstream file and version). */
  source: z.string(),
  /** known: failed as a listed known fault; xpass: listed as a known fault but passed. */
  status: z.enum(CHECK_STATUSES as [CheckStatus, ...CheckStatus[]]),
  message: z.string().optional(),
  evidence: z.array(Evidence).optional(),
  duration_ms: z.number(),
  /** Set when the check is listed as an expected failure (status known or xpass). */
  known_fault: KnownFault.optional(),
});
export type CheckOutcome = z.infer<typeof CheckOutcome>;

/** What runConformance returns: the `check --json` file without its schema_version. */
export const ConformanceReport = z.strictObject({
  target: z.string(),
  base_url: z.string(),
  dialect: z.string(),
  model: z.string().optional(),
  started_at: z.string(),
  duration_ms: z.number(),
  summary: z.strictObject({
    pass: z.number().int(),
    fail: z.number().int(),
    warn: z.number().int(),
    skip: z.number().int(),
    known: z.number().int(),
    xpass: z.number().int(),
  }),
  passed: z.boolean(),
  checks: z.array(CheckOutcome),
});
export type ConformanceReport = z.infer<typeof ConformanceReport>;

/** `check --json FILE`: schema_version, then the report as it is. The single source of the published schemas/check-report.schema.json. */
export const CheckReportJson = z.strictObject({
  schema_version: z.literal(CHECK_REPORT_VERSION),
  ...ConformanceReport.shape,
});
export type CheckReportJson = z.infer<typeof CheckReportJson>;
