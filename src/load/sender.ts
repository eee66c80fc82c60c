import { Pool } from "undici";
import type { Dialect } from "../contract/dialect.js";
import { classifyStatus, classifyTransportError, LoadDeadlineError, type ErrorClass } from "./outcome.js";

export interface SenderOptions {
  baseUrl: string;
  /** Rerank path, appended to the base URL's own path. */
  path: string;
  dialect: Dialect;
  apiKey?: string;
  /** Whole-exchange deadline per request. */
  timeoutMs: number;
  /** Sockets to the origin: as many as requests may be in flight, so a stalled server never delays a send. */
  connections: number;
}

/** How one exchange ended. `errorClass` absent means a 2xx body that normalised with the dialect. */
export interface Completion {
  status?: number;
  errorClass?: ErrorClass;
  error?: string;
  /** Server timing headers (`x-*-time`, TEI's split), in milliseconds. */
  serverTimings?: Array<[string, number]>;
}

const SERVER_TIMING_HEADER = /^x-[a-z0-9-]+-time$/;
/** How much of an error body is kept as a sample message. */
const SAMPLE_CHARS = 200;

interface InFlight {
  startedAt: number;
  controller: AbortController;
  done: boolean;
}

/**
 * The generator's hot path: undici's Pool (keep-alive, no pipelining) with bodies serialised
 * ahead of time. Deadlines are enforced by one sweep over a FIFO of in-flight requests rather
 * than a timer per request — every request has the same timeout, so the oldest is at the front.
 */
export class Sender {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private readonly queue: InFlight[] = [];
  private head = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SenderOptions) {
    const base = new URL(options.baseUrl);
    this.path = base.pathname.replace(/\/+$/, "") + (options.path.startsWith("/") ? options.path : `/${options.path}`);
    this.headers = { "content-type": "application/json", accept: "application/json" };
    if (options.apiKey) this.headers["authorization"] = `Bearer ${options.apiKey}`;
    this.pool = new Pool(base.origin, {
      connections: options.connections,
      pipelining: 1,
      connect: { timeout: Math.min(options.timeoutMs, 10_000) },
      // The sweep enforces the whole-exchange deadline; these are a backstop only.
      headersTimeout: options.timeoutMs + 1_000,
      bodyTimeout: options.timeoutMs + 1_000,
      keepAliveTimeout: 30_000,
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(5, Math.min(100, options.timeoutMs / 10)));
    this.sweeper.unref();
  }

  async send(body: Buffer): Promise<Completion> {
    const entry: InFlight = { startedAt: performance.now(), controller: new AbortController(), done: false };
    this.queue.push(entry);
    try {
      const res = await this.pool.request({ path: this.path, method: "POST", headers: this.headers, body, signal: entry.controller.signal });
      const text = await res.body.text();
      const serverTimings = readServerTimings(res.headers);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        return { status: res.statusCode, errorClass: classifyStatus(res.statusCode), error: `HTTP ${res.statusCode}: ${text.slice(0, SAMPLE_CHARS)}`, serverTimings };
      }
      try {
        this.options.dialect.normalise(JSON.parse(text));
        return { status: res.statusCode, serverTimings };
      } catch (err) {
        return { status: res.statusCode, errorClass: "invalid_body", error: (err as Error).message.slice(0, SAMPLE_CHARS), serverTimings };
      }
    } catch (err) {
      const reason = entry.controller.signal.aborted ? entry.controller.signal.reason : err;
      return { errorClass: classifyTransportError(reason), error: describeError(reason) };
    } finally {
      entry.done = true;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.pool.destroy();
  }

  private sweep(): void {
    const cutoff = performance.now() - this.options.timeoutMs;
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if (!entry.done && entry.startedAt > cutoff) break;
      if (!entry.done) entry.controller.abort(new LoadDeadlineError(this.options.timeoutMs));
      this.head++;
    }
    // Compact now and then so the FIFO does not grow with the run.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

function readServerTimings(headers: Record<string, string | string[] | undefined>): Array<[string, number]> | undefined {
  let out: Array<[string, number]> | undefined;
  for (const name in headers) {
    if (!SERVER_TIMING_HEADER.test(name)) continue;
    const raw = headers[name];
    const ms = Number.parseFloat(Array.isArray(raw) ? raw[0]! : raw!);
    if (Number.isFinite(ms) && ms >= 0) (out ??= []).push([name, ms]);
  }
  return out;
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return (code ? `${code}: ${message}` : message).slice(0, SAMPLE_CHARS);
}
