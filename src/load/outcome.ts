import { HarnessError, wireCode } from "../util/errors.js";

// What one request came to, and the error classes reports count. Kept small and serialisable:
// worker threads send these counts to the main thread.

export const ERROR_CLASSES = ["http_4xx", "http_5xx", "timeout", "connection", "invalid_body"] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type ErrorCounts = Record<ErrorClass, number>;

export function emptyErrorCounts(): ErrorCounts {
  return { http_4xx: 0, http_5xx: 0, timeout: 0, connection: 0, invalid_body: 0 };
}

/** Error codes that mean a deadline passed rather than the connection failing. */
const TIMEOUT_CODES = new Set(["ERR_LOAD_DEADLINE", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/**
 * Classes a failure where no usable response came back: the generator's deadline, a body over
 * the cap (an answer no client could use: invalid_body), or the connection.
 */
export function classifyTransportError(err: unknown): ErrorClass {
  const code = wireCode(err) ?? "";
  if (TIMEOUT_CODES.has(code) || (err as { name?: string }).name === "TimeoutError") return "timeout";
  if (code === "ERR_RESPONSE_TOO_LARGE") return "invalid_body";
  return "connection";
}

/** Classes a status that is not 2xx; 1xx/3xx count as 4xx-like client-visible failures. */
export function classifyStatus(status: number): ErrorClass {
  return status >= 500 ? "http_5xx" : "http_4xx";
}

/** Timeout raised by the generator's own whole-exchange deadline. */
export class LoadDeadlineError extends HarnessError {
  readonly code = "RH_LOAD_DEADLINE";
  /** Recorded as a timeout outcome; only a bug lets one escape. */
  readonly kind = "internal";
  readonly reason = "ERR_LOAD_DEADLINE";
  constructor(timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}
