import { HarnessError } from "../util/errors.js";

/**
 * Base class of the reference reranker's errors. Loading a model fails with kind `startup` (the
 * server or embedded target could not start); the per-request ones are answered as HTTP errors
 * by the server and reach a command only through a bug (`internal`).
 */
export abstract class ReferenceError extends HarnessError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? {} : { cause: options.cause });
  }
}

/** The model spec is neither a fixture, a directory in HF layout, nor a repo id that could be fetched. */
export class ModelNotFoundError extends ReferenceError {
  readonly code = "RH_MODEL_NOT_FOUND";
  readonly kind = "startup";
}

/** Offline (HF_HUB_OFFLINE or no network) and the repo is not in the cache. */
export class ModelNotCachedError extends ReferenceError {
  readonly code = "RH_MODEL_NOT_CACHED";
  readonly kind = "startup";
}

/** A download from the hub failed (HTTP status or network). */
export class DownloadError extends ReferenceError {
  readonly code = "RH_MODEL_DOWNLOAD";
  readonly kind = "startup";
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The model directory exists but its files are unusable. */
export class InvalidModelError extends ReferenceError {
  readonly code = "RH_INVALID_MODEL";
  readonly kind = "startup";
}

/** A pair is longer than the model allows and truncation was turned off. */
export class InputTooLongError extends ReferenceError {
  readonly code = "RH_INPUT_TOO_LONG";
  readonly kind = "internal";
  constructor(
    readonly maxLength: number,
    readonly tokens: number,
  ) {
    super(
      `This model's maximum context length is ${maxLength} tokens. However, you requested ${tokens} tokens in the input. ` +
        "Please reduce the length of the input.",
    );
  }
}

/** Why a request was refused on arrival. */
export type ShedReason = "queue_full" | "queue_time" | "deadline";

/** The scheduler refuses the request: the caller answers 503 with Retry-After. */
export class OverloadedError extends ReferenceError {
  readonly code = "RH_OVERLOADED";
  readonly kind = "internal";
  constructor(
    readonly reason: ShedReason,
    /** Whole seconds after which a retry is likely to be admitted. */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

/** The caller gave up (its client disconnected) before the work was done. */
export class RequestCancelledError extends ReferenceError {
  readonly code = "RH_REQUEST_CANCELLED";
  readonly kind = "internal";
  constructor() {
    super("The request was cancelled: its client disconnected.");
  }
}

/** The request's own deadline passed while it waited. */
export class DeadlineExceededError extends ReferenceError {
  readonly code = "RH_DEADLINE_EXCEEDED";
  readonly kind = "internal";
  constructor(readonly deadlineMs: number) {
    super(`The request's deadline (${deadlineMs} ms) passed before it could be computed.`);
  }
}

/** The reranker was closed while work was pending. */
export class RerankerClosedError extends ReferenceError {
  readonly code = "RH_RERANKER_CLOSED";
  readonly kind = "internal";
  constructor() {
    super("The reranker is shutting down.");
  }
}
