import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { redact, redactHeaders } from "./secrets.js";

/**
 * Recording every exchange a run sends (for `--har`). The one HTTP client reports each
 * exchange here; whoever wants them opens a recording around the work (`recordExchanges`)
 * and names what is sending (`tagExchanges`, e.g. the check id). Async context carries
 * both, so the many call sites between a command and the client pass nothing along, and
 * concurrent checks sharing one client are still told apart.
 */

/** The cap on each recorded body (request and response), in characters; a longer one is cut and marked. */
export const RECORDED_BODY_CAP_CHARS = 64 * 1024;

const recordedBody = z.object({
  text: z.string(),
  /** Characters left out past the cap. */
  truncatedChars: z.number().int().nonnegative().optional(),
});

/** One exchange as recorded: already redacted, bodies capped. One JSON line each in a log file. */
export const exchangeRecordSchema = z.object({
  /** What sent it: a check id, "preflight", "agreement"… */
  tag: z.string(),
  /** Wall-clock start (ms since the epoch). */
  startedAtMs: z.number(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: recordedBody.optional(),
  }),
  response: z
    .object({
      status: z.number().int(),
      headers: z.record(z.string(), z.string()),
      body: recordedBody,
    })
    .optional(),
  /** A transport failure instead of a response. */
  error: z.string().optional(),
  headersMs: z.number().optional(),
  totalMs: z.number(),
});
export type ExchangeRecord = z.infer<typeof exchangeRecordSchema>;

export type ExchangeSink = (record: ExchangeRecord) => void;

interface Recording {
  sink: ExchangeSink;
  tag: string;
}

const current = new AsyncLocalStorage<Recording>();

/** Runs `fn` with every exchange the client sends inside it (at any depth) reported to `sink`. */
export function recordExchanges<T>(sink: ExchangeSink, tag: string, fn: () => T): T {
  return current.run({ sink, tag }, fn);
}

/** Names what sends the exchanges inside `fn`, when a recording is open; otherwise just runs it. */
export function tagExchanges<T>(tag: string, fn: () => T): T {
  const open = current.getStore();
  return open ? current.run({ ...open, tag }, fn) : fn();
}

/** Runs `fn` with no recording (traffic that is counted elsewhere, not recorded). */
export function withoutRecording<T>(fn: () => T): T {
  return current.exit(fn);
}

/** A sink that appends one JSON line per exchange to `file` (synchronously: a crash loses nothing written). */
export function jsonLinesSink(file: string): ExchangeSink {
  return (record) => appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Reads a JSON-lines log back; a torn last line (a killed worker) is skipped, not fatal. */
export function parseExchangeLog(text: string): ExchangeRecord[] {
  const out: ExchangeRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = exchangeRecordSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

export interface ClientExchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** performance.now() when it was handed to the pool. */
  startedAt: number;
  response?: { status: number; headers: Record<string, string>; text: string; headersMs: number; totalMs: number };
  error?: { message: string; elapsedMs: number };
}

/** Called by the HTTP client after every exchange; a no-op unless a recording is open. */
export function reportExchange(exchange: ClientExchange): void {
  const open = current.getStore();
  if (!open) return;
  const { response, error } = exchange;
  open.sink({
    tag: open.tag,
    startedAtMs: Math.round(performance.timeOrigin + exchange.startedAt),
    request: {
      method: exchange.method,
      url: redact(exchange.url),
      headers: redactHeaders(exchange.headers),
      ...(exchange.body !== undefined ? { body: capped(exchange.body) } : {}),
    },
    ...(response
      ? {
          response: { status: response.status, headers: redactHeaders(response.headers), body: capped(response.text) },
          headersMs: response.headersMs,
          totalMs: response.totalMs,
        }
      : { error: redact(error?.message ?? "no response"), totalMs: error?.elapsedMs ?? 0 }),
  });
}

function capped(text: string): z.infer<typeof recordedBody> {
  // Redact before cutting: a key straddling the cap must not leave its first half behind.
  const clean = redact(text);
  return clean.length <= RECORDED_BODY_CAP_CHARS
    ? { text: clean }
    : { text: clean.slice(0, RECORDED_BODY_CAP_CHARS), truncatedChars: clean.length - RECORDED_BODY_CAP_CHARS };
}
