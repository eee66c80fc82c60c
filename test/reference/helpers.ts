import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";

// Each test process builds fixtures into its own cache, so a stale build can never leak in.
process.env.RERANK_HARNESS_CACHE ??= mkdtempSync(join(tmpdir(), "rh-ref-cache-"));

export const SEED = {
  model: "BAAI/bge-reranker-base",
  query: "What is the capital of France?",
  documents: ["The capital of Brazil is Brasilia.", "The capital of France is Paris.", "Horses and cows are both animals"],
} as const;

export interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

/** POSTs a JSON value (or a raw string) and returns the parsed exchange. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Exchange> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw,
  });
  return exchange(res);
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Exchange> {
  return exchange(await request(url, { headers }));
}

async function exchange(res: Awaited<ReturnType<typeof request>>): Promise<Exchange> {
  const text = await res.body.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body, text };
}

/** Asserts vLLM's error envelope. */
export function isErrorEnvelope(body: any, status: number): boolean {
  return typeof body?.error?.message === "string" && typeof body.error.type === "string" && "param" in body.error && body.error.code === status;
}

/** Polls /metrics until the scoring queue holds at least `n` requests (or ~2 s pass). */
export async function waitForQueueDepth(baseUrl: string, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const depth = Number(/^rerank_queue_depth (\d+)$/m.exec((await get(`${baseUrl}/metrics`)).text)?.[1] ?? 0);
    if (depth >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Runs `create` with RERANK_HARNESS_ONNXRUNTIME set to `runtime` (the runtime is resolved when a
 * session is created), then restores the variable.
 */
export async function withOnnxruntime<T>(runtime: "peer" | "bundled", create: () => Promise<T>): Promise<T> {
  const before = process.env.RERANK_HARNESS_ONNXRUNTIME;
  process.env.RERANK_HARNESS_ONNXRUNTIME = runtime;
  try {
    return await create();
  } finally {
    if (before === undefined) delete process.env.RERANK_HARNESS_ONNXRUNTIME;
    else process.env.RERANK_HARNESS_ONNXRUNTIME = before;
  }
}
