import { z } from "zod";
import type { HttpExchange, SendOptions } from "../client/http-client.js";
import { redact } from "../client/secrets.js";
import { wireCode } from "../util/errors.js";
import { clip } from "../util/clip.js";

export { clip } from "../util/clip.js";

/**
 * One HTTP exchange (or transport failure) that a check outcome rests on; the key is already
 * redacted. The zod schema is the single source: the type below, and the `evidence[]` entries
 * of `check --json` (schemas/check-report.schema.json), which are these objects as they are.
 */
export const Evidence = z.strictObject({
  /** What this exchange was for, e.g. "top_n=2 of 4 documents". */
  label: z.string().optional(),
  request: z.strictObject({
    method: z.string(),
    url: z.string(),
    /** Header names as sent (credentials shown as `[REDACTED]`). */
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
  }),
  status: z.number().int().optional(),
  content_type: z.string().optional(),
  /** The first characters of the response body. */
  body_start: z.string().optional(),
  /** A transport failure instead of a response. */
  error: z.string().optional(),
  duration_ms: z.number().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** How much of a response body a piece of evidence keeps. */
export const BODY_START_CHARS = 600;

export function evidenceOf(exchange: HttpExchange, label?: string): Evidence {
  return {
    ...(label ? { label } : {}),
    request: exchange.request,
    status: exchange.status,
    ...(exchange.headers["content-type"] !== undefined ? { content_type: exchange.headers["content-type"] } : {}),
    body_start: redact(clip(exchange.text, BODY_START_CHARS)),
    duration_ms: Math.round(exchange.timings.totalMs),
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
