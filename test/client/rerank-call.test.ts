import { afterEach, describe, expect, it } from "vitest";
import { callRerank, HttpClient, TransportError } from "../../src/client/index.js";
import { ContractViolationError } from "../../src/contract/errors.js";
import { getDialect } from "../../src/contract/registry.js";
import type { Dialect } from "../../src/contract/dialect.js";
import { startServer } from "./hostile-server.js";

// callRerank runs in-process here (the checks reach it through child processes too), so that
// its status, JSON and contract branches are each pinned by an assertion.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Seen {
  method?: string;
  url?: string;
  body?: unknown;
}

/** A server answering `status` with `body`, recording the last request. */
async function target(status: number, body: string, seen: Seen = {}) {
  const server = await startServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      Object.assign(seen, { method: req.method, url: req.url, body: text ? JSON.parse(text) : undefined });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  const client = new HttpClient({ baseUrl: server.url, timeoutMs: 5_000 });
  cleanups.push(server.close, () => client.close());
  return client;
}

const vllm = getDialect("vllm");
const input = { query: "q", documents: ["a", "b"] };
const good = JSON.stringify({
  id: "r1",
  model: "m",
  usage: { total_tokens: 7 },
  results: [
    { index: 1, relevance_score: 0.9, document: { text: "b" } },
    { index: 0, relevance_score: 0.1, document: { text: "a" } },
  ],
});

describe("callRerank", () => {
  it("POSTs the dialect's request to its canonical path and normalises a 2xx body", async () => {
    const seen: Seen = {};
    const client = await target(200, good, seen);
    const call = await callRerank(client, vllm, input);
    expect(seen).toEqual({ method: "POST", url: "/rerank", body: vllm.buildRequest(input).body });
    expect(call.exchange.status).toBe(200);
    expect(call.violation).toBeUndefined();
    expect(call.output?.results.map((r) => [r.index, r.score])).toEqual([
      [1, 0.9],
      [0, 0.1],
    ]);
    expect(call.output?.id).toBe("r1");
  });

  it("sends to the path it is given instead", async () => {
    const seen: Seen = {};
    const client = await target(200, good, seen);
    await callRerank(client, vllm, input, { path: "/v2/rerank" });
    expect(seen.url).toBe("/v2/rerank");
  });

  it("normalises every 2xx (299 too), and none outside 200..299", async () => {
    expect((await callRerank(await target(299, good), vllm, input)).output?.results).toHaveLength(2);
    for (const status of [300, 400, 500]) {
      const call = await callRerank(await target(status, good), vllm, input);
      expect(call.exchange.status).toBe(status);
      expect(call.output, String(status)).toBeUndefined();
      expect(call.violation, String(status)).toBeUndefined();
    }
  });

  it("a 2xx body that is not JSON is a violation naming the parse error", async () => {
    const call = await callRerank(await target(200, "<html>login</html>"), vllm, input);
    expect(call.output).toBeUndefined();
    expect(call.violation).toBeInstanceOf(Error);
    expect(call.violation).not.toBeInstanceOf(ContractViolationError);
    expect(call.violation!.message).toBe(`2xx body is not JSON: ${call.exchange.jsonError}`);
    expect(call.exchange.jsonError).toMatch(/JSON/);
  });

  it("a 2xx JSON body off the dialect's schema is a ContractViolationError, returned not thrown", async () => {
    const call = await callRerank(await target(200, good.replace('"relevance_score":0.9', '"relevance_score":"0.9"')), vllm, input);
    expect(call.output).toBeUndefined();
    expect(call.violation).toBeInstanceOf(ContractViolationError);
    expect((call.violation as ContractViolationError).field).toBe("results.0.relevance_score");
  });

  it("rethrows an error from the dialect that is not a contract violation (a bug, not the server's fault)", async () => {
    const broken: Dialect = {
      ...vllm,
      normalise: () => {
        throw new TypeError("bug in the dialect");
      },
    };
    await expect(callRerank(await target(200, good), broken, input)).rejects.toThrow(TypeError);
  });

  it("passes its timeout to the client (a silent server fails with a timeout, not after the client's 5 s default)", async () => {
    const server = await startServer(() => {});
    const client = new HttpClient({ baseUrl: server.url, timeoutMs: 60_000 });
    cleanups.push(server.close, () => client.close());
    const err = await callRerank(client, vllm, input, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).reason).toBe("ERR_REQUEST_TIMEOUT");
    expect((err as TransportError).message).toContain("within 200 ms");
  });
});
