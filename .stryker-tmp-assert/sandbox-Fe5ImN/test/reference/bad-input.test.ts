// @ts-nocheck
import fc from "fast-check";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, isErrorEnvelope, post, SEED } from "./helpers.js";
import { startReferenceServer, type ReferenceServer } from "../../src/reference/server.js";

const ok = { query: SEED.query, documents: [...SEED.documents] };
const long = "paris ".repeat(1000);

/** [name, path, raw body or value, content type, expected status, expected param] */
const CASES: Array<[string, string, unknown, string | null, number, string?]> = [
  ["malformed JSON", "/rerank", "{bad", "application/json", 400],
  ["truncated JSON", "/rerank", '{"query": "a", "documents": [', "application/json", 400],
  ["JSON array body", "/rerank", "[]", "application/json", 400],
  ["JSON null body", "/rerank", "null", "application/json", 400],
  ["JSON number body", "/v1/rerank", "123", "application/json", 400],
  ["JSON string body", "/v2/rerank", '"hello"', "application/json", 400],
  ["empty body", "/rerank", "", "application/json", 400],
  ["text/plain", "/rerank", JSON.stringify(ok), "text/plain", 400],
  ["form content type", "/rerank", "query=a", "application/x-www-form-urlencoded", 400],
  ["no content type", "/rerank", JSON.stringify(ok), null, 400],
  ["missing query", "/rerank", { documents: ["a"] }, "application/json", 400, "query"],
  ["query is a number", "/rerank", { query: 1, documents: ["a"] }, "application/json", 400, "query"],
  ["missing documents", "/rerank", { query: "a" }, "application/json", 400, "documents"],
  ["documents is a number", "/rerank", { query: "a", documents: 3 }, "application/json", 400, "documents"],
  ["documents of numbers", "/rerank", { query: "a", documents: [1, 2] }, "application/json", 400, "documents"],
  ["document object without text", "/rerank", { query: "a", documents: [{}] }, "application/json", 400, "documents"],
  ["document text not a string", "/rerank", { query: "a", documents: [{ text: 5 }] }, "application/json", 400, "documents"],
  ["empty documents", "/rerank", { query: "a", documents: [] }, "application/json", 400, "documents"],
  ["top_n a string", "/rerank", { ...ok, top_n: "2" }, "application/json", 400, "top_n"],
  ["top_n fractional", "/rerank", { ...ok, top_n: 1.5 }, "application/json", 400, "top_n"],
  ["return_documents a string", "/rerank", { ...ok, return_documents: "yes" }, "application/json", 400, "return_documents"],
  ["model a number", "/rerank", { ...ok, model: 7 }, "application/json", 400, "model"],
  ["unknown model", "/rerank", { ...ok, model: "no/such-model" }, "application/json", 404, "model"],
  ["unknown model on /score", "/score", { model: "x", text_1: "a", text_2: "b" }, "application/json", 404, "model"],
  ["too many documents", "/rerank", { query: "a", documents: ["1", "2", "3", "4", "5", "6"] }, "application/json", 400, "documents"],
  ["too long (no truncation by default, as vLLM)", "/rerank", { query: "a", documents: [long] }, "application/json", 400, "input_tokens"],
  ["too long, truncation off", "/rerank", { query: "a", documents: [long], truncate: false }, "application/json", 400, "input_tokens"],
  ["truncate_prompt_tokens > max", "/rerank", { ...ok, truncate_prompt_tokens: 513 }, "application/json", 400, "truncate_prompt_tokens"],
  ["truncate_prompt_tokens < -1", "/rerank", { ...ok, truncate_prompt_tokens: -2 }, "application/json", 400, "truncate_prompt_tokens"],
  ["body over the limit", "/rerank", { query: "a", documents: ["x".repeat(70_000)] }, "application/json", 413],
  ["__proto__ key", "/rerank", '{"query":"a","documents":["b"],"__proto__":{"polluted":true}}', "application/json", 400],
  ["nested __proto__", "/rerank", '{"query":"a","documents":[{"text":"b","__proto__":{"polluted":true}}]}', "application/json", 400],
  ["constructor.prototype", "/rerank", '{"query":"a","documents":["b"],"constructor":{"prototype":{"polluted":true}}}', "application/json", 400],
  ["score without text_2", "/score", { text_1: "a" }, "application/json", 400, "text_2"],
  ["score with an empty side", "/v1/score", { queries: "a", documents: [] }, "application/json", 400, "documents"],
  ["score 2:3", "/score", { text_1: ["a", "b"], text_2: ["a", "b", "c"] }, "application/json", 400],
];

describe("reference server: bad input", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ model: "bm25", port: 0, maxDocuments: 5, bodyLimit: 64 * 1024 });
  });
  afterAll(() => server?.close());

  it.each(CASES)("%s → %i", async (_name, path, body, contentType, status, param) => {
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    const headers: Record<string, string> = contentType ? { "content-type": contentType } : {};
    const res = await request(server.url + path, { method: "POST", headers, body: raw });
    const parsed = JSON.parse(await res.body.text());
    expect(res.statusCode).toBe(status);
    expect(isErrorEnvelope(parsed, status)).toBe(true);
    if (param) expect(parsed.error.param).toBe(param);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("answers unknown routes and methods with a 404 envelope", async () => {
    for (const res of [await get(`${server.url}/rerank`), await get(`${server.url}/nope`), await post(`${server.url}/v3/rerank`, ok)]) {
      expect(res.status).toBe(404);
      expect(isErrorEnvelope(res.body, 404)).toBe(true);
    }
  });

  it("truncates over-long input when asked and counts the truncated tokens", async () => {
    const res = await post(`${server.url}/rerank`, { query: "a", documents: [long], truncate_prompt_tokens: -1 });
    expect(res.status).toBe(200);
    expect(res.body.usage.total_tokens).toBe(512);
    const tei = await post(`${server.url}/rerank`, { query: "a", documents: [long], truncate: true });
    expect(tei.status).toBe(200);
    expect(tei.body.usage.total_tokens).toBe(512);
    const limited = await post(`${server.url}/rerank`, { query: "a", documents: [long], truncate_prompt_tokens: 20 });
    expect(limited.body.usage.total_tokens).toBe(20);
  });

  it("never answers 5xx or drops the connection on fuzzed bodies (seeded)", async () => {
    const doc = fc.oneof(fc.string(), fc.record({ text: fc.oneof(fc.string(), fc.integer()) }), fc.jsonValue());
    const rerankish = fc.record(
      {
        model: fc.oneof(fc.constant("bm25"), fc.string(), fc.constant(null), fc.integer()),
        query: fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue()),
        documents: fc.oneof(fc.array(doc, { maxLength: 8 }), fc.jsonValue()),
        top_n: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
        return_documents: fc.oneof(fc.boolean(), fc.jsonValue()),
        use_activation: fc.oneof(fc.boolean(), fc.jsonValue()),
        truncate_prompt_tokens: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.jsonValue()),
        text_1: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 4 }), fc.jsonValue()),
        text_2: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 4 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      rerankish.map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
      fc.string({ maxLength: 300 }),
    );
    const path = fc.constantFrom("/rerank", "/v1/rerank", "/v2/rerank", "/score", "/v1/score");
    const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "");
    await fc.assert(
      fc.asyncProperty(path, body, contentType, async (p, raw, type) => {
        const res = await request(server.url + p, { method: "POST", headers: type ? { "content-type": type } : {}, body: raw });
        const text = await res.body.text();
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expect(isErrorEnvelope(JSON.parse(text), res.statusCode)).toBe(true);
      }),
      { seed: 20240607, numRuns: 300 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
