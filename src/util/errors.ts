/**
 * The one error base of rerank-harness. Every error the harness throws on purpose extends
 * `HarnessError`: it carries a stable `code` (documented in docs/errors.md, never renamed) and an
 * exit `kind`. The command layer maps kinds to exit codes through `EXIT_CODE_FOR_KIND` alone, so
 * no catch-and-rethrow is needed to pick an exit code.
 *
 * Library errors say what is wrong; flag advice belongs to the CLI (see `hint` below).
 */

/** Exit codes of `rerank-harness`: an interface people script against. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

/**
 * - `usage`: a bad flag value, file or spec (exit 2).
 * - `startup`: the target could not start or be reached, the run could not begin (exit 2).
 * - `failed`: the run happened and its verdict is a failure (exit 1).
 * - `internal`: a bug in the harness, never a verdict on the target (exit 70, sysexits EX_SOFTWARE).
 */
export type ErrorKind = "usage" | "startup" | "failed" | "internal";

/** The one table from error kind to exit code. */
export const EXIT_CODE_FOR_KIND: Readonly<Record<ErrorKind, number>> = {
  usage: EXIT.usage,
  startup: EXIT.usage,
  failed: EXIT.failed,
  internal: EXIT.internal,
};

export interface HarnessErrorOptions {
  cause?: unknown;
  /** CLI-only advice (e.g. which flag to change); the command layer prints it as `next:`. */
  hint?: string;
}

export abstract class HarnessError extends Error {
  /** Stable identifier, `RH_` + upper snake case. */
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(message: string, options: HarnessErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.hint = options.hint;
    // As ES2022's Error(message, { cause }) sets it; written out because the k6 bundles that
    // import this module type-check against ES2020.
    if (options.cause !== undefined) Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
  }
}

/** A bad flag value, file or combination of flags: exit 2 with a one-line reason. */
export class UsageError extends HarnessError {
  readonly code = "RH_USAGE";
  readonly kind = "usage";
}

export function isHarnessError(err: unknown): err is HarnessError {
  return err instanceof HarnessError;
}

/** The exit code a thrown value means: its kind's code, or `internal` for anything unplanned. */
export function exitCodeFor(err: unknown): number {
  return isHarnessError(err) ? EXIT_CODE_FOR_KIND[err.kind] : EXIT.internal;
}

/**
 * The code reports show for a failed exchange: a harness error's wire-level `reason` (`ERR_…`,
 * e.g. `ERR_REQUEST_TIMEOUT`), else the thrown value's own `code` (an errno such as `ECONNRESET`,
 * undici's `UND_ERR_…`), else its cause's.
 */
export function wireCode(err: unknown): string | undefined {
  const e = (err ?? {}) as { reason?: unknown; code?: unknown; cause?: { code?: unknown } };
  if (err instanceof HarnessError && typeof e.reason === "string") return e.reason;
  if (typeof e.code === "string") return e.code;
  return typeof e.cause?.code === "string" ? e.cause.code : undefined;
}
