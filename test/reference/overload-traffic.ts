/**
 * Open-loop traffic for the reference server's overload tests: requests sent on a fixed schedule
 * whatever the server does, each outcome kept, and clients that give up close their connection.
 * Latency figures come from `npm run bench:reference`, which drives `rerank-harness load`: this
 * simple sender is for behaviour (statuses, headers, what the server counts), not for timing.
 */
import { Agent, request } from "undici";

export interface Outcome {
  /** HTTP status, or undefined when the exchange failed (see `error`). */
  status?: number;
  /** From the scheduled send time to the end of the answer (or the failure), ms. */
  latencyMs: number;
  retryAfter?: string;
  /** undici's error code: a client-side timeout or abort is expected, anything else is not. */
  error?: string;
}

export interface OpenLoopOptions {
  url: string;
  /** Requests per second. */
  rate: number;
  seconds: number;
  body: (i: number) => string;
  /** The client gives up after this long (the request is aborted and its socket closed). */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** Sends `rate × seconds` requests on schedule and resolves with every outcome once all settle. */
export async function openLoop(options: OpenLoopOptions): Promise<Outcome[]> {
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  // One connection per request in flight: an abandoned request's socket is closed, as a client
  // that gives up closes it, so the server can see that nobody waits any more.
  const dispatcher = new Agent({ connections: null, pipelining: 1, keepAliveTimeout: 1_000 });
  const started = performance.now();
  const pending: Array<Promise<Outcome>> = [];
  try {
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(send(dispatcher, options, i, due));
    }
    return await Promise.all(pending);
  } finally {
    await dispatcher.destroy();
  }
}

async function send(dispatcher: Agent, options: OpenLoopOptions, i: number, due: number): Promise<Outcome> {
  const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await request(`${options.url}/rerank`, {
      method: "POST",
      dispatcher,
      signal,
      headers: { "content-type": "application/json", ...options.headers },
      body: options.body(i),
    });
    await res.body.text();
    const retryAfter = res.headers["retry-after"];
    return { status: res.statusCode, latencyMs: performance.now() - due, retryAfter: typeof retryAfter === "string" ? retryAfter : undefined };
  } catch (err) {
    const e = err as { code?: string; name?: string };
    return { latencyMs: performance.now() - due, error: e.code ?? e.name ?? String(err) };
  }
}

/** The nearest-rank percentile of `values` (ms); NaN when empty. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** A 100-document request body of ~60-token documents, distinct per `i` (no cache can help). */
export function heavyBody(i: number, docs = 100): string {
  return JSON.stringify({
    query: `query number ${i} about the capital of France`,
    documents: Array.from({ length: docs }, (_, d) => `document ${d} of request ${i}: ${"some words about cities and rivers ".repeat(8)}`),
    return_documents: false,
  });
}
