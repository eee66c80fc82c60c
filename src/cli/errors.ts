import { TargetSpecError } from "../targets/spec.js";
import { TargetStartError } from "../targets/target.js";
import { UnknownDialectError } from "../contract/registry.js";
import { redact } from "../client/secrets.js";

/** Exit codes of `rerank-harness` (README, "Commands"): an interface people script against. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

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
 * Wraps a command's action: its resolved number is the exit code; a thrown error prints one
 * redacted line (the stack only with DEBUG set) and exits 2.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const prefix = isStartupError(err) ? "error" : "internal error";
      process.stderr.write(redact(`${prefix}: ${message}\n`));
      if (process.env["DEBUG"] && err instanceof Error && err.stack) process.stderr.write(redact(err.stack) + "\n");
      process.exitCode = EXIT.usage;
    }
  };
}
