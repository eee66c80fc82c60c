import { performance } from "node:perf_hooks";
import { ContractViolationError } from "../contract/errors.js";
import { redact, redactDeep } from "../client/secrets.js";
import { recordExchanges } from "../client/exchange-recording.js";
import { resolveSource } from "./catalogue/index.js";
import type { CheckContext } from "./context.js";
import { runLock } from "./exclusive.js";
import { CheckFailure, CheckSkip, CheckWarning, type CheckDefinition, type CheckOutcome } from "./types.js";

/**
 * Runs one check and turns what happened into an outcome: a MUST failure fails, a SHOULD
 * failure or a CheckWarning warns (fails with --strict), a CheckSkip or an inapplicable
 * dialect skips. Nothing thrown escapes. An exclusive check waits until nothing else of the
 * run is in flight, and holds the others back while it runs.
 */
export async function executeCheck(check: CheckDefinition, ctx: CheckContext): Promise<CheckOutcome> {
  const started = performance.now();
  const base = {
    id: check.id,
    area: check.area,
    level: check.level,
    statement: check.statement,
    source: resolveSource(check, ctx.dialect),
  };
  const done = (rest: Pick<CheckOutcome, "status"> & Partial<CheckOutcome>): CheckOutcome =>
    redactDeep({ ...base, ...rest, duration_ms: Math.round(performance.now() - started) });

  const notApplicable = check.skipReason(ctx.dialect);
  if (notApplicable) return done({ status: "skip", message: notApplicable });
  try {
    const sink = ctx.exchangeSink;
    const runCheck = () => (sink ? recordExchanges(sink, check.id, () => check.run(ctx)) : check.run(ctx));
    const note = await runLock(ctx.target.runId).run(check.exclusive ?? false, runCheck);
    return done({ status: "pass", ...(typeof note === "string" ? { message: note } : {}) });
  } catch (err) {
    const strict = ctx.target.strict;
    if (err instanceof CheckSkip) return done({ status: "skip", message: err.message });
    if (err instanceof CheckWarning) return done({ status: strict ? "fail" : "warn", message: err.message, evidence: err.evidence });
    if (err instanceof CheckFailure) {
      const status = check.level === "MUST" || strict ? "fail" : "warn";
      return done({ status, message: err.message, evidence: err.evidence });
    }
    if (err instanceof ContractViolationError) return done({ status: check.level === "MUST" || strict ? "fail" : "warn", message: err.message });
    // A bug in the check itself: report it rather than blame or spare the target silently.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return done({ status: "fail", message: redact(`the check itself crashed: ${message}`) });
  }
}
