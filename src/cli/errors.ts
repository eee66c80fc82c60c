import { redact } from "../client/secrets.js";
import { exitCodeFor, isHarnessError } from "../util/errors.js";

export { EXIT, UsageError } from "../util/errors.js";

/** Where an internal error asks to be reported. */
export const BUG_REPORT_HINT = "this is a bug in rerank-harness: please report it with the command you ran (set DEBUG=1 for the stack trace)";

/**
 * Wraps a command's action: its resolved number is the exit code; a thrown error's exit code
 * comes from its kind (see reportThrown).
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (err) {
      process.exitCode = reportThrown(err);
    }
  };
}

/**
 * Prints a thrown error (redacted) and returns the exit code its kind means. A harness error of
 * kind usage, startup or failed prints one `error:` line and its `next:` hint; an internal one,
 * or anything not thrown on purpose, is a bug in the harness: exit 70 with a request for a bug
 * report (the stack only with DEBUG set).
 */
export function reportThrown(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  const code = exitCodeFor(err);
  if (isHarnessError(err) && err.kind !== "internal") {
    process.stderr.write(redact(`error: ${message}\n${err.hint ? `next: ${err.hint}\n` : ""}`));
    return code;
  }
  process.stderr.write(redact(`internal error: ${message}\n${BUG_REPORT_HINT}\n`));
  if (process.env["DEBUG"] && err instanceof Error && err.stack) process.stderr.write(redact(err.stack) + "\n");
  return code;
}
