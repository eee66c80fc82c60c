import { isIP } from "node:net";
import type { Dialect } from "../contract/dialect.js";
import { Connection, type ConnectionUser, type Origin } from "./http1/connection.js";
import type { ParsedResponse } from "./http1/parser.js";
import { classifyStatus, classifyTransportError, LoadDeadlineError, type ErrorClass } from "./outcome.js";
import { wireCode } from "../util/errors.js";

export interface SenderOptions {
  baseUrl: string;
  /** Rerank path, appended to the base URL's own path. */
  path: string;
  dialect: Dialect;
  apiKey?: string;
  /** Whole-exchange deadline per request, connecting included. */
  timeoutMs: number;
  /** Sockets to the origin: as many as requests may be in flight, so a stalled server never delays a send. */
  connections: number;
  /** Certificates trusted for an https origin instead of the system's. */
  ca?: string | Buffer;
}

/** How one exchange ended. `errorClass` absent means a 2xx body that normalised with the dialect. */
export interface Completion {
  status?: number;
  errorClass?: ErrorClass;
  error?: string;
  /** Server timing headers (`x-*-time`, TEI's split), in milliseconds. */
  serverTimings?: Array<[string, number]>;
}

/** A request serialised once (request line, headers and body in one buffer) and sent many times. */
export type PreparedRequest = Buffer & { readonly __prepared: true };

/** How much of an error body is kept as a sample message. */
const SAMPLE_CHARS = 200;
/** Cap on a response body: a rerank answer is small; past this the exchange is a failure. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** One request's life: queued, on a connection, settled once. */
class Exchange implements ConnectionUser {
  readonly startedAt = performance.now();
  done = false;
  connection: Connection | undefined;

  constructor(
    private readonly dialect: Dialect,
    private readonly settle: (c: Completion) => void,
  ) {}

  onResponse(res: ParsedResponse): void {
    const { status, serverTimings } = res;
    const text = res.body.toString("utf8");
    if (status < 200 || status >= 300) {
      this.finish({ status, errorClass: classifyStatus(status), error: `HTTP ${status}: ${text.slice(0, SAMPLE_CHARS)}`, serverTimings });
      return;
    }
    try {
      this.dialect.normalise(JSON.parse(text));
      this.finish({ status, serverTimings });
    } catch (err) {
      this.finish({ status, errorClass: "invalid_body", error: (err as Error).message.slice(0, SAMPLE_CHARS), serverTimings });
    }
  }

  onError(err: Error): void {
    this.finish({ errorClass: classifyTransportError(err), error: describeError(err) });
  }

  private finish(c: Completion): void {
    if (this.done) return;
    this.done = true;
    this.connection = undefined;
    this.settle(c);
  }
}

/**
 * The generator's hot path: a pool of keep-alive HTTP/1.1 connections, one request at a time
 * each, writing pre-built request buffers. Measured against undici in `npm run bench:load`, it
 * takes about a third less CPU per request, which is what lets one event loop match autocannon.
 * Deadlines are enforced by one sweep over a FIFO of exchanges rather than a timer per request:
 * every request has the same timeout, so the oldest is at the front.
 */
export class Sender {
  private readonly origin: Origin;
  private readonly head: string;
  private readonly idle: Connection[] = [];
  private readonly waiting: Array<[Exchange, PreparedRequest]> = [];
  private open = 0;
  private readonly fifo: Exchange[] = [];
  private fifoHead = 0;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: SenderOptions) {
    const base = new URL(options.baseUrl);
    const tls = base.protocol === "https:";
    const host = base.hostname.replace(/^\[|\]$/g, "");
    this.origin = {
      host,
      port: Number(base.port) || (tls ? 443 : 80),
      tls,
      ...(tls && isIP(host) === 0 ? { servername: host } : {}),
      ...(tls && options.ca ? { ca: options.ca } : {}),
    };
    const path = base.pathname.replace(/\/+$/, "") + (options.path.startsWith("/") ? options.path : `/${options.path}`);
    this.head =
      `POST ${path} HTTP/1.1\r\nhost: ${base.host}\r\ncontent-type: application/json\r\naccept: application/json\r\n` +
      (options.apiKey ? `authorization: Bearer ${options.apiKey}\r\n` : "");
    this.sweeper = setInterval(() => this.sweep(), Math.max(5, Math.min(100, options.timeoutMs / 10)));
    this.sweeper.unref();
  }

  /** Serialises a JSON body into a complete request. */
  prepare(body: string): PreparedRequest {
    const bytes = Buffer.from(body, "utf8");
    const head = Buffer.from(`${this.head}content-length: ${bytes.length}\r\n\r\n`, "latin1");
    return Buffer.concat([head, bytes]) as PreparedRequest;
  }

  /** Sends a request (no promise: the loops' hot path); `settle` is called exactly once, never synchronously. */
  start(request: PreparedRequest, settle: (c: Completion) => void): void {
    const exchange = new Exchange(this.options.dialect, settle);
    this.fifo.push(exchange);
    if (this.closed) {
      queueMicrotask(() => exchange.onError(new Error("sender closed")));
      return;
    }
    const connection = this.idle.pop() ?? (this.open < this.options.connections ? this.connect() : undefined);
    if (connection) this.dispatch(connection, exchange, request);
    else this.waiting.push([exchange, request]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const [exchange] of this.waiting.splice(0)) exchange.onError(new Error("sender closed"));
    for (const c of this.idle.splice(0)) c.destroy(new Error("sender closed"));
  }

  /** Closes every connection still waiting for a response (an aborted scenario abandons them). */
  abandon(): void {
    for (let i = this.fifoHead; i < this.fifo.length; i++) {
      const exchange = this.fifo[i]!;
      if (!exchange.done && exchange.connection) exchange.connection.destroy(new Error("scenario aborted"));
    }
  }

  private connect(): Connection {
    this.open++;
    return new Connection(
      this.origin,
      MAX_RESPONSE_BYTES,
      (c) => this.release(c),
      (c) => this.forget(c),
    );
  }

  private dispatch(connection: Connection, exchange: Exchange, request: PreparedRequest): void {
    exchange.connection = connection;
    connection.send(request, exchange);
  }

  /** A connection finished a response: give it the next waiting request, or keep it idle. */
  private release(connection: Connection): void {
    if (this.closed) return connection.destroy(new Error("sender closed"));
    const next = this.nextWaiting();
    if (next) this.dispatch(connection, next[0], next[1]);
    else this.idle.push(connection);
  }

  /** A connection died (closed, reset, timed out): stop counting it; a waiting request gets a new one. */
  private forget(connection: Connection): void {
    this.open--;
    const i = this.idle.indexOf(connection);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.closed) return;
    const next = this.nextWaiting();
    if (next) this.dispatch(this.connect(), next[0], next[1]);
  }

  private nextWaiting(): [Exchange, PreparedRequest] | undefined {
    while (this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (!next[0].done) return next;
    }
    return undefined;
  }

  private sweep(): void {
    const cutoff = performance.now() - this.options.timeoutMs;
    while (this.fifoHead < this.fifo.length) {
      const exchange = this.fifo[this.fifoHead]!;
      if (!exchange.done && exchange.startedAt > cutoff) break;
      if (!exchange.done) {
        const reason = new LoadDeadlineError(this.options.timeoutMs);
        // On a connection: end it (a late response must not land on the next request). Queued: just fail.
        if (exchange.connection) exchange.connection.destroy(reason);
        else exchange.onError(reason);
      }
      this.fifoHead++;
    }
    // Compact now and then so the FIFO does not grow with the run.
    if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifo.length) {
      this.fifo.splice(0, this.fifoHead);
      this.fifoHead = 0;
    }
  }
}

function describeError(err: unknown): string {
  const message = (err as { message?: string }).message ?? String(err);
  const code = wireCode(err);
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, SAMPLE_CHARS);
}
