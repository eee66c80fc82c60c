import type { HttpExchange, SendOptions } from "../client/http-client.js";
import { redact } from "../client/secrets.js";
import { wireCode } from "../util/errors.js";
import { clip } from "../util/clip.js";

export { clip } from "../util/clip.js";

/** One HTTP exchange (or transport failure) that a check outcome rests on; the key is already redacted. */
export interface Evidence {
  /** What this exchange was for, e.g. "top_n=2 of 4 documents". */
  label?: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  status?: number;
  contentType?: string;
  /** The first characters of the response body. */
  bodyStart?: string;
  /** A transport failure instead of a response. */
  error?: string;
  durationMs?: number;
}

/** How much of a response body a piece of evidence keeps. */
export const BODY_START_CHARS = 600;

export function evidenceOf(exchange: HttpExchange, label?: string): Evidence {
  return {
    ...(label ? { label } : {}),
    request: exchange.request,
    status: exchange.status,
    ...(exchange.headers["content-type"] !== undefined ? { contentType: exchange.headers["content-type"] } : {}),
    bodyStart: redact(clip(exchange.text, BODY_START_CHARS)),
    durationMs: Math.round(exchange.timings.totalMs),
  };
}

/** Evidence for a request that got no response (the client threw before building an exchange). */
export function evidenceOfFailure(baseUrl: string, req: SendOptions, error: Error, label?: string): Evidence {
  const body = req.rawBody ?? (req.json !== undefined ? JSON.stringify(req.json) : undefined);
  return {
    ...(label ? { label } : {}),
    request: {
      method: req.method ?? "POST",
      url: redact(baseUrl.replace(/\/+$/, "") + req.path),
      headers: req.contentType === null ? {} : { "content-type": req.contentType ?? "application/json" },
      ...(body !== undefined ? { body: redact(clip(body, 2_000)) } : {}),
    },
    error: redact(`${wireCode(error) ?? error.name}: ${error.message}`),
  };
}
