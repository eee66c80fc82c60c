// @ts-nocheck
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { getDialect } from "../../src/contract/registry.js";
import type { StartedTarget } from "../../src/targets/target.js";
import type { AddressInfo } from "node:net";

// Tiny loopback servers with known timing, to test the generator against (not the reference).

export interface TestServer {
  url: string;
  /** Requests received. */
  readonly received: number;
  close(): Promise<void>;
}

/** A body the vllm dialect accepts. */
export function vllmBody(documents = 1): string {
  const results = Array.from({ length: documents }, (_, i) => ({ index: i, relevance_score: 1 - i / (documents + 1), document: { text: "" } }));
  return JSON.stringify({ id: "rerank-test", model: "test", usage: { total_tokens: 1 }, results });
}

export type Reply = (req: IncomingMessage, res: ServerResponse, body: string) => void;

function answer(res: ServerResponse, headers: Record<string, string> = {}): void {
  const body = vllmBody();
  res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

const ok: Reply = (_req, res) => answer(res);

/** Starts a server on 127.0.0.1:0 that reads the body, then hands the exchange to `reply`. */
export async function startTestServer(reply: Reply = ok): Promise<TestServer> {
  let received = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received++;
      reply(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `fn` at `due` (performance.now() ms): a timer to within 2 ms, then setImmediate, so it is not a millisecond or two late. */
function at(due: number, fn: () => void): void {
  const delay = due - performance.now();
  if (delay > 2) setTimeout(() => at(due, fn), Math.floor(delay - 1));
  else if (delay > 0) setImmediate(() => at(due, fn));
  else fn();
}

/** Answers every request a fixed time after it arrived. */
export function fixedDelay(ms: number, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    at(performance.now() + ms, () => answer(res, headers));
  };
}

/**
 * Stalls `stallMs` out of every `periodMs`: a request arriving during a stall is answered when
 * it ends; otherwise at once. Phase 0 is the server's start.
 */
export function periodicStall(periodMs: number, stallMs: number): Reply {
  const origin = performance.now();
  return (_req, res) => {
    const phase = (performance.now() - origin) % periodMs;
    const stallStart = periodMs - stallMs;
    if (phase < stallStart) answer(res);
    else at(performance.now() + periodMs - phase, () => answer(res));
  };
}

/** A target for runLoad pointing at a test server (vllm dialect, no key). */
export function targetAt(url: string, label = "test server"): StartedTarget {
  return { label, baseUrl: url, dialect: getDialect("vllm"), apiKeyEnv: "RERANK_API_KEY", stop: async () => {} };
}
