/** Base class: every reference-reranker error carries a stable code. */
// @ts-nocheck

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

/** The scheduler's queue is full: the caller should shed the request. */
export class QueueFullError extends ReferenceError {
  constructor(readonly depth: number) {
    super(`The server is overloaded (${depth} requests queued); retry later.`, "QUEUE_FULL");
  }
}

/** The reranker was closed while work was pending. */
export class RerankerClosedError extends ReferenceError {
  constructor() {
    super("The reranker is shutting down.", "CLOSED");
  }
}
