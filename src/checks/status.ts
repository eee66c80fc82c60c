/**
 * Every status a check outcome can have, and how reports name it: one entry per status, so a
 * new status (or a colour for one) is one line here.
 */
export const STATUS_DISPLAY = {
  pass: { label: "PASS", counted: "passed" },
  fail: { label: "FAIL", counted: "failed" },
  warn: { label: "WARN", counted: "warnings" },
  skip: { label: "skip", counted: "skipped" },
  /** Failed, but listed as a known upstream fault (the dialect's list or --expect-failures). */
  known: { label: "KNOWN", counted: "known faults" },
  /** Listed as a known fault, but passed: the list is out of date. */
  xpass: { label: "XPASS", counted: "passed unexpectedly" },
} as const satisfies Record<string, { label: string; counted: string }>;

export type CheckStatus = keyof typeof STATUS_DISPLAY;
export const CHECK_STATUSES = Object.keys(STATUS_DISPLAY) as CheckStatus[];

/** A zero count for each status, in report order. */
export function emptyTally(): Record<CheckStatus, number> {
  return Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
}
