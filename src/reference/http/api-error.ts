import type { z } from "zod";
import { HarnessError } from "../../util/errors.js";

const TYPES: Record<number, string> = {
  400: "BadRequestError",
  401: "AuthenticationError",
  404: "NotFoundError",
  405: "MethodNotAllowedError",
  413: "RequestEntityTooLargeError",
  429: "TooManyRequestsError",
  499: "ClientClosedRequestError",
  500: "InternalServerError",
  503: "ServiceUnavailableError",
  504: "GatewayTimeoutError",
};

/**
 * An HTTP error answered in vLLM's envelope `{error: {message, type, param, code}}`: control flow
 * inside the reference server (every one becomes a response), so only a bug lets one escape.
 */
export class ApiError extends HarnessError {
  readonly code = "RH_API_ERROR";
  readonly kind = "internal";
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get type(): string {
    return TYPES[this.status] ?? (this.status < 500 ? "BadRequestError" : "InternalServerError");
  }

  toBody() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.status } };
  }

  static fromZod(error: z.ZodError): ApiError {
    const message = error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
    const first = error.issues[0]?.path[0];
    return new ApiError(400, message || "Invalid request", first === undefined ? null : String(first));
  }
}

/** Status for errors thrown by fastify itself (body parsing, limits): always a 4xx for client faults. */
export function apiErrorFromFramework(err: { code?: string; statusCode?: number; message?: string }): ApiError {
  switch (err.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      // vLLM answers 400 here (it was 415 before May 2025).
      return new ApiError(400, "Unsupported Media Type: Only 'application/json' is allowed");
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError(413, "Request body is too large");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError(400, "Request body is empty; expected a JSON object");
  }
  const status = err.statusCode;
  if (status && status >= 400 && status < 500) {
    return new ApiError(status, err.message ? `Invalid request: ${err.message}` : "Invalid request");
  }
  if (err instanceof SyntaxError) return new ApiError(400, `Invalid JSON: ${err.message}`);
  return new ApiError(500, "Internal server error");
}
