import { TargetSpecError } from "../targets/spec.js";
import { TargetStartError } from "../targets/target.js";
import { UnknownDialectError } from "../contract/registry.js";
import { redact } from "../client/secrets.js";

/**
 * Exit codes of `rerank-harness`: an interface people script against. `internal` is sysexits.h's
 * EX_SOFTWARE: a bug in the harness, never a verdict on the target.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

/** Where an internal error asks to be reported. */
export const BUG_REPORT_HINT = "this is a bug in rerank-harness: please report it with the command you ran (set DEBUG=1 for the stack trace)";

/** A bad flag value, file or spec: exit 2 with a one-line reason. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "ERR_USAGE";
}

/** Errors that mean "could not run at all" (exit 2) rather than "ran and failed" (exit 1). */
export function isStartupError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof TargetSpecError || err instanceof TargetStartError || err instanceof UnknownDialectError;
}

/**
 * Wraps a command's action: its resolved number is the exit code. A thrown startup error prints
 * one redacted line and exits 2; anything else is a bug in the harness: exit 70 with a request
 * for a bug report (the stack only with DEBUG set).
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

/** Prints a thrown error (redacted) and returns the exit code it means. */
export function reportThrown(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  if (isStartupError(err)) {
    process.stderr.write(redact(`error: ${message}\n`));
    return EXIT.usage;
  }
  process.stderr.write(redact(`internal error: ${message}\n${BUG_REPORT_HINT}\n`));
  if (process.env["DEBUG"] && err instanceof Error && err.stack) process.stderr.write(redact(err.stack) + "\n");
  return EXIT.internal;
}
