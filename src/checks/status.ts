/**
 * Every status a check outcome can have, and how reports name it: one entry per status, so a
 * new status (or a colour for one) is one line here.
 */
export const STATUS_DISPLAY = {
  pass: { label: "PASS", one: "passed", many: "passed" },
  fail: { label: "FAIL", one: "failed", many: "failed" },
  warn: { label: "WARN", one: "warning", many: "warnings" },
  skip: { label: "skip", one: "skipped", many: "skipped" },
  /** Failed, but listed as a known upstream fault (the dialect's list or --expect-failures). */
  known: { label: "KNOWN", one: "known fault", many: "known faults" },
  /** Listed as a known fault, but passed: the list is out of date. */
  xpass: { label: "XPASS", one: "passed unexpectedly", many: "passed unexpectedly" },
} as const satisfies Record<string, { label: string; one: string; many: string }>;

export type CheckStatus = keyof typeof STATUS_DISPLAY;
export const CHECK_STATUSES = Object.keys(STATUS_DISPLAY) as CheckStatus[];

/** A zero count for each status, in report order. */
export function emptyTally(): Record<CheckStatus, number> {
  return Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
}

/** "1 warning", "2 warnings", "3 passed". */
export function countedStatus(status: CheckStatus, n: number): string {
  return `${n} ${n === 1 ? STATUS_DISPLAY[status].one : STATUS_DISPLAY[status].many}`;
}
