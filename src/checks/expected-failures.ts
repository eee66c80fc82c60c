import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Dialect } from "../contract/dialect.js";
import { getCheck } from "./catalogue/index.js";
import { emptyTally, type CheckStatus } from "./status.js";
import type { CheckOutcome, ExpectedFailure } from "./types.js";
import { HarnessError } from "../util/errors.js";

/** A bad --expect-failures file: exit 2, naming the file and line. */
export class ExpectFailuresFileError extends HarnessError {
  readonly code = "RH_EXPECT_FAILURES_FILE";
  readonly kind = "usage";
}

const Entry = z.object({
  check: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/, "is not a check id (area.name, e.g. errors.malformed_json)")
    .refine((id) => getCheck(id) !== undefined, { message: "is not a check (see check --list)" }),
  reason: z.string().trim().min(1, "needs a reason after the check id"),
});

/**
 * Parses an --expect-failures file: one `CHECK_ID  reason…` per line; blank lines and lines
 * starting with `#` are ignored. Each entry is validated (the id must be a known check, the
 * reason must be given); the first bad line is reported as `FILE:LINE: …`.
 */
export function parseExpectFailures(text: string, file: string): ExpectedFailure[] {
  const out: ExpectedFailure[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const where = `${file}:${i + 1}`;
    const [check = "", ...rest] = line.split(/\s+/);
    const parsed = Entry.safeParse({ check, reason: rest.join(" ") });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const subject = issue.path[0] === "check" ? `"${check}" ${issue.message}` : `"${check}" ${issue.message}`;
      throw new ExpectFailuresFileError(`${where}: ${subject} (expected: CHECK_ID reason…)`);
    }
    if (seen.has(check)) throw new ExpectFailuresFileError(`${where}: "${check}" is already listed on line ${seen.get(check)}`);
    seen.set(check, i + 1);
    out.push({ check: parsed.data.check, reason: parsed.data.reason, source: where, origin: "expect-failures" });
  }
  return out;
}

export async function readExpectFailures(file: string): Promise<ExpectedFailure[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ExpectFailuresFileError(
      `--expect-failures ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
  return parseExpectFailures(text, file);
}

/** The dialect's known upstream faults, then the user's entries (which win for the same check). */
export function expectedFailuresFor(dialect: Dialect, user: readonly ExpectedFailure[] = []): Map<string, ExpectedFailure> {
  const map = new Map<string, ExpectedFailure>();
  for (const f of dialect.knownFaults) map.set(f.check, { check: f.check, reason: f.reason, source: f.source, origin: "dialect" });
  for (const f of user) map.set(f.check, f);
  return map;
}

/**
 * pytest's xfail/xpass for checks: a listed check that fails (or warns) is KNOWN, one that
 * passes is XPASS (the list is out of date). With `strict`, both fail the run.
 */
export function applyExpectedFailures(outcomes: CheckOutcome[], expected: Map<string, ExpectedFailure>, strict: boolean): CheckOutcome[] {
  return outcomes.map((o) => {
    const known = expected.get(o.id);
    if (!known || o.status === "skip") return o;
    const known_fault = { origin: known.origin, source: known.source, reason: known.reason };
    const listed =
      known.origin === "dialect" ? `known upstream fault: ${known.reason} (${known.source})` : `expected failure: ${known.reason} (${known.source})`;
    if (o.status === "pass" || o.status === "xpass") {
      const message = `${listed}; but it passed: take it off the list`;
      return { ...o, status: strict ? "fail" : "xpass", message, known_fault };
    }
    const message = `${listed}${strict ? " (--strict: known faults fail)" : ""}; this run: ${o.message ?? o.status}`;
    return { ...o, status: strict ? "fail" : "known", message, known_fault };
  });
}

/** Outcome counts by status. */
export function tally(outcomes: readonly CheckOutcome[]): Record<CheckStatus, number> {
  const t = emptyTally();
  for (const o of outcomes) t[o.status]++;
  return t;
}
