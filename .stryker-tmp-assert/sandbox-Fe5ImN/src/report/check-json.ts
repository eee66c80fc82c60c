// @ts-nocheck
import { z } from "zod";
import type { ConformanceReport } from "../checks/run.js";
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
  status: z.enum(["pass", "fail", "warn", "skip"]),
  message: z.string().optional(),
  evidence: z.array(Evidence).optional(),
  duration_ms: z.number(),
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
  summary: z.strictObject({ pass: z.number().int(), fail: z.number().int(), warn: z.number().int(), skip: z.number().int() }),
  passed: z.boolean(),
  checks: z.array(CheckEntry),
});
export type CheckReportJson = z.infer<typeof CheckReportJson>;

/** The --json report: the run's facts, then one entry per check with its evidence (snake_case, mechanically). */
export function checkJson(report: ConformanceReport): CheckReportJson {
  const { outcomes, ...run } = report;
  return { schema_version: CHECK_REPORT_VERSION, ...(snakeKeys(run) as object), checks: snakeKeys(outcomes) } as CheckReportJson;
}
