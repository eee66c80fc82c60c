import { z } from "zod";
import type { ConformanceReport } from "../checks/run.js";
import { CHECK_STATUSES, type CheckStatus } from "../checks/status.js";
import type { CheckOutcome } from "../checks/types.js";
import { snakeKeys } from "./json-keys.js";

/** Bumped on any breaking change to the file's shape (1 was the camelCase `check-report@1`). */
export const CHECK_REPORT_VERSION = 2;

/** One HTTP exchange (or transport failure) a check outcome rests on; the key already redacted. */
const Evidence = z.strictObject({
  label: z.string().optional(),
  request: z.strictObject({
    method: z.string(),
    url: z.string(),
    /** Header names as sent (credentials shown as `[REDACTED]`). */
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
  }),
  status: z.number().int().optional(),
  content_type: z.string().optional(),
  /** The first characters of the response body. */
  body_start: z.string().optional(),
  /** A transport failure instead of a response. */
  error: z.string().optional(),
  duration_ms: z.number().optional(),
});

const CheckEntry = z.strictObject({
  /** Stable id, `area.name`: CI history keys on it. */
  id: z.string(),
  area: z.string(),
  level: z.enum(["MUST", "SHOULD"]),
  statement: z.string(),
  /** Where the expectation comes from (upstream file and version). */
  source: z.string(),
  /** known: failed as a listed known fault; xpass: listed as a known fault but passed. */
  status: z.enum(CHECK_STATUSES as [CheckStatus, ...CheckStatus[]]),
  message: z.string().optional(),
  evidence: z.array(Evidence).optional(),
  duration_ms: z.number(),
  /** Set when the check is listed as an expected failure (status known or xpass). */
  known_fault: z
    .strictObject({
      /** dialect: the dialect's list of upstream faults; expect-failures: the user's --expect-failures file. */
      origin: z.enum(["dialect", "expect-failures"]),
      /** The upstream file (dialect) or FILE:LINE (--expect-failures) the entry comes from. */
      source: z.string(),
      reason: z.string(),
    })
    .optional(),
});

/** `check --json FILE`. The single source of the published schemas/check-report.schema.json. */
export const CheckReportJson = z.strictObject({
  schema_version: z.literal(CHECK_REPORT_VERSION),
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
  checks: z.array(CheckEntry),
});
export type CheckReportJson = z.infer<typeof CheckReportJson>;

/** The --json report: the run's facts, then one entry per check with its evidence (snake_case, mechanically). */
export function checkJson(report: ConformanceReport): CheckReportJson {
  const { outcomes, ...run } = report;
  return { schema_version: CHECK_REPORT_VERSION, ...(snakeKeys(run) as object), checks: outcomes.map(checkEntry) } as CheckReportJson;
}

/** A check as JSON; an expected failure's listing is `known_fault` (its check id is the entry's own). */
function checkEntry(o: CheckOutcome): unknown {
  const { known, ...rest } = o;
  const entry = snakeKeys(rest) as object;
  return known ? { ...entry, known_fault: { origin: known.origin, source: known.source, reason: known.reason } } : entry;
}
