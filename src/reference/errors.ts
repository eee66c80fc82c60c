/** Base class: every reference-reranker error carries a stable code. */
export class ReferenceError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The model spec is neither a fixture, a directory in HF layout, nor a repo id that could be fetched. */
export class ModelNotFoundError extends ReferenceError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "MODEL_NOT_FOUND", options);
  }
}

/** Offline (HF_HUB_OFFLINE or no network) and the repo is not in the cache. */
export class ModelNotCachedError extends ReferenceError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "MODEL_NOT_CACHED", options);
  }
}

/** A download from the hub failed (HTTP status or network). */
export class DownloadError extends ReferenceError {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, "DOWNLOAD_FAILED", options);
  }
}

/** The model directory exists but its files are unusable. */
export class InvalidModelError extends ReferenceError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "INVALID_MODEL", options);
  }
}

/** A pair is longer than the model allows and truncation was turned off. */
export class InputTooLongError extends ReferenceError {
  constructor(
    readonly maxLength: number,
    readonly tokens: number,
  ) {
    super(
      `This model's maximum context length is ${maxLength} tokens. However, you requested ${tokens} tokens in the input. ` +
        "Please reduce the length of the input.",
      "INPUT_TOO_LONG",
    );
  }
}

/** Why a request was refused on arrival. */
export type ShedReason = "queue_full" | "queue_time" | "deadline";

/** The scheduler refuses the request: the caller answers 503 with Retry-After. */
export class OverloadedError extends ReferenceError {
  constructor(
    readonly reason: ShedReason,
    /** Whole seconds after which a retry is likely to be admitted. */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message, "OVERLOADED");
  }
}

/** The caller gave up (its client disconnected) before the work was done. */
export class RequestCancelledError extends ReferenceError {
  constructor() {
    super("The request was cancelled: its client disconnected.", "CANCELLED");
  }
}

/** The request's own deadline passed while it waited. */
export class DeadlineExceededError extends ReferenceError {
  constructor(readonly deadlineMs: number) {
    super(`The request's deadline (${deadlineMs} ms) passed before it could be computed.`, "DEADLINE_EXCEEDED");
  }
}

/** The reranker was closed while work was pending. */
export class RerankerClosedError extends ReferenceError {
  constructor() {
    super("The reranker is shutting down.", "CLOSED");
  }
}
