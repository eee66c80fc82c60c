import { HarnessError, type ErrorKind } from "../util/errors.js";

/**
 * Failures below HTTP: no status came back, or the body could not be read in full.
 * Each has a stable code so checks and the load generator can classify without string matching.
 */
export type TransportErrorCode =
  | "ERR_CONNECT_TIMEOUT"
  | "ERR_HEADERS_TIMEOUT"
  | "ERR_BODY_TIMEOUT"
  | "ERR_REQUEST_TIMEOUT"
  | "ERR_CONNECTION_REFUSED"
  | "ERR_CONNECTION_RESET"
  | "ERR_NOT_HTTP"
  | "ERR_RESPONSE_TOO_LARGE"
  | "ERR_INVALID_URL"
  | "ERR_TRANSPORT";

export class TransportError extends HarnessError {
  readonly code: string = "RH_TRANSPORT";
  /** Only if one escapes a command: the target could not be reached. Checks and load count them. */
  readonly kind: ErrorKind = "startup";
  constructor(
    /** Which failure, as reports and evidence show it. */
    readonly reason: TransportErrorCode,
    message: string,
    /** Milliseconds from the start of the request to the failure. */
    readonly elapsedMs: number,
  ) {
    super(message);
  }

  /** Timeouts, as opposed to a refused, broken or oversize exchange. */
  get isTimeout(): boolean {
    return this.reason.endsWith("_TIMEOUT");
  }
}

export class ResponseTooLargeError extends TransportError {
  override readonly code = "RH_RESPONSE_TOO_LARGE";
  constructor(
    readonly limitBytes: number,
    elapsedMs: number,
    /** The first bytes of the body, kept as evidence. */
    readonly head: string,
  ) {
    super("ERR_RESPONSE_TOO_LARGE", `response body exceeds the ${formatBytes(limitBytes)} cap; reading stopped`, elapsedMs);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n % (1 << 20) === 0 ? 0 : 1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(n % (1 << 10) === 0 ? 0 : 1)} KiB`;
  return `${n} B`;
}
