// @ts-nocheck
import { CohereClient, CohereClientV2 } from "cohere-ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, post, SEED } from "./helpers.js";
import { startReferenceServer, type ReferenceServer } from "../../src/reference/server.js";

describe("reference server: rerank contract", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ model: "bm25", servedModelName: SEED.model, port: 0 });
  });
  afterAll(() => server?.close());

  it("answers the seed's request with Paris first, in vLLM's shape, identically on all three paths", async () => {
    const bodies = [];
    for (const path of ["/rerank", "/v1/rerank", "/v2/rerank"]) {
      const res = await post(server.url + path, SEED);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const body = res.body;
      expect(body.id).toMatch(/^rerank-[0-9a-f]{32}$/);
      expect(body.model).toBe(SEED.model);
      expect(body.usage).toEqual({ prompt_tokens: 51, total_tokens: 51 });
      expect(body.results.map((r: any) => r.index)).toEqual([1, 0, 2]);
      expect(body.results[0].document).toEqual({ text: "The capital of France is Paris." });
      const scores = body.results.map((r: any) => r.relevance_score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      bodies.push({ ...body, id: undefined });
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(server.modelName).toBe(SEED.model);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("honours top_n (absent or <= 0: all) and return_documents", async () => {
    const n = async (top_n: unknown) => (await post(`${server.url}/rerank`, { ...SEED, top_n })).body.results.length;
    expect(await n(1)).toBe(1);
    expect(await n(2)).toBe(2);
    expect(await n(0)).toBe(3);
    expect(await n(-5)).toBe(3);
    expect(await n(null)).toBe(3);
    expect(await n(99)).toBe(3);
    const top = await post(`${server.url}/rerank`, { ...SEED, top_n: 1 });
    expect(top.body.results[0].index).toBe(1);
    const noDocs = await post(`${server.url}/rerank`, { ...SEED, return_documents: false });
    expect(noDocs.body.results.every((r: any) => !("document" in r))).toBe(true);
    const withDocs = await post(`${server.url}/rerank`, { ...SEED, return_documents: true });
    expect(withDocs.body.results.every((r: any) => typeof r.document.text === "string")).toBe(true);
  });

  it("accepts {text} documents (Jina, Cohere v1), a missing model, and keeps ties in input order", async () => {
    const res = await post(`${server.url}/v1/rerank`, {
      query: SEED.query,
      documents: SEED.documents.map((text) => ({ text, title: "ignored" })),
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.index)).toEqual([1, 0, 2]);
    const ties = await post(`${server.url}/rerank`, { query: "zebra", documents: ["a", "b", "c", "d"] });
    expect(ties.body.results.map((r: any) => r.index)).toEqual([0, 1, 2, 3]);
  });

  it("gives raw logits on request (use_activation: false, raw_scores: true)", async () => {
    const prob = (await post(`${server.url}/rerank`, SEED)).body.results[0].relevance_score;
    for (const flag of [{ use_activation: false }, { raw_scores: true }, { activation: false }]) {
      const raw = (await post(`${server.url}/rerank`, { ...SEED, ...flag })).body.results[0].relevance_score;
      expect(raw).toBeGreaterThan(1);
      expect(1 / (1 + Math.exp(-raw))).toBeCloseTo(prob, 6);
    }
  });

  it("serves /score in vLLM's shapes, in input order, equal to /rerank's scores", async () => {
    const rerank = (await post(`${server.url}/rerank`, SEED)).body.results;
    const byIndex = (i: number) => rerank.find((r: any) => r.index === i).relevance_score;
    for (const [path, body] of [
      ["/score", { model: SEED.model, text_1: SEED.query, text_2: SEED.documents }],
      ["/v1/score", { queries: SEED.query, documents: SEED.documents }],
      ["/score", { queries: [SEED.query], items: SEED.documents }],
      ["/score", { data_1: SEED.documents.map(() => SEED.query), data_2: SEED.documents }],
    ] as const) {
      const res = await post(server.url + path, body);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: "list", model: SEED.model, usage: { prompt_tokens: 51, total_tokens: 51 } });
      expect(res.body.id).toMatch(/^score-/);
      expect(res.body.data.map((d: any) => [d.index, d.object])).toEqual([
        [0, "score"],
        [1, "score"],
        [2, "score"],
      ]);
      res.body.data.forEach((d: any) => expect(d.score).toBeCloseTo(byIndex(d.index), 10));
    }
    const bad = await post(`${server.url}/score`, { text_1: ["a", "b"], text_2: ["a", "b", "c"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/1:1, 1:N or N:N/);
  });

  it("lists the served model and answers /health and /metrics", async () => {
    const models = await get(`${server.url}/v1/models`);
    expect(models.body).toMatchObject({ object: "list", data: [{ id: SEED.model, object: "model", max_model_len: 512 }] });
    const health = await get(`${server.url}/health`);
    expect(health.status).toBe(200);
    const metrics = await get(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers["content-type"]).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/rerank_http_requests_total\{route="\/rerank",method="POST",status="200"\} \d+/);
    expect(metrics.text).toMatch(/rerank_http_request_duration_seconds_bucket\{le="[^"]+",route="\/v1\/rerank"\}/);
    expect(metrics.text).toMatch(/^rerank_queue_depth 0$/m);
    expect(metrics.text).toMatch(/^rerank_batch_size_count [1-9]\d*$/m);
  });

  it("works with the official Cohere SDK, v1 and v2 clients", async () => {
    const v1 = new CohereClient({ token: "x", environment: server.url });
    const r1 = await v1.rerank({ model: SEED.model, query: SEED.query, documents: [...SEED.documents], topN: 2, returnDocuments: true }, { maxRetries: 0 });
    expect(r1.results.map((r) => r.index)).toEqual([1, 0]);
    expect(r1.results[0]!.relevanceScore).toBeGreaterThan(r1.results[1]!.relevanceScore);
    expect(r1.results[0]!.document?.text).toBe("The capital of France is Paris.");

    const v2 = new CohereClientV2({ token: "x", baseUrl: server.url });
    const r2 = await v2.rerank({ model: SEED.model, query: SEED.query, documents: [...SEED.documents] }, { maxRetries: 0 });
    expect(r2.results.map((r) => r.index)).toEqual([1, 0, 2]);
    expect(r2.results[0]!.relevanceScore).toBeCloseTo(r1.results[0]!.relevanceScore, 10);
  });
});

describe("reference server: authentication", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ model: "bm25", port: 0, apiKey: "s3cret" });
  });
  afterAll(() => server?.close());

  it("requires the bearer key on every route but /health", async () => {
    expect((await get(`${server.url}/health`)).status).toBe(200);
    for (const path of ["/v1/models", "/metrics"]) {
      const res = await get(server.url + path);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe(401);
    }
    for (const path of ["/rerank", "/v1/rerank", "/v2/rerank", "/score"]) {
      expect((await post(server.url + path, SEED)).status).toBe(401);
      expect((await post(server.url + path, SEED, { authorization: "Bearer wrong" })).status).toBe(401);
    }
    const ok = await post(`${server.url}/rerank`, { query: SEED.query, documents: SEED.documents }, { authorization: "Bearer s3cret" });
    expect(ok.status).toBe(200);
    const sdk = new CohereClientV2({ token: "s3cret", baseUrl: server.url });
    expect((await sdk.rerank({ model: "bm25", query: "q", documents: ["q"] }, { maxRetries: 0 })).results).toHaveLength(1);
  });
});
