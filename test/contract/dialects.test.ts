import { describe, expect, it } from "vitest";
import { ContractViolationError, DIALECT_NAMES, getDialect, listDialects, UnknownDialectError, BAD_INPUT_CLASSES } from "../../src/contract/index.js";
import { documented, seedDocuments, seedQuery } from "./documented-bodies.js";

describe("registry", () => {
  it("finds every dialect by name and rejects unknown names with the known list", () => {
    expect(listDialects().map((d) => d.name)).toEqual([...DIALECT_NAMES]);
    for (const name of DIALECT_NAMES) expect(getDialect(name).name).toBe(name);
    expect(() => getDialect("openai")).toThrow(UnknownDialectError);
    expect(() => getDialect("openai")).toThrow(/known: vllm, jina/);
  });
});

describe.each(DIALECT_NAMES)("%s", (name) => {
  const dialect = getDialect(name);
  const bodies = documented[name];

  it("normalises the documented success body, results in server order", () => {
    const out = dialect.normalise(bodies.success);
    expect(out.results[0]!.index).toBe(1);
    expect(out.results[1]!.index).toBe(0);
    expect(out.results.every((r) => Number.isFinite(r.score))).toBe(true);
    expect(out.results[0]!.score).toBeGreaterThan(out.results[1]!.score);
  });

  it("reads the documented error bodies", () => {
    for (const body of bodies.errors) expect(dialect.errorMessage(body).length).toBeGreaterThan(0);
  });

  it("rejects a score of the wrong type, naming the field", () => {
    const broken = structuredClone(bodies.success) as unknown;
    const results = Array.isArray(broken) ? broken : (broken as { results: Record<string, unknown>[] }).results;
    const scoreField = "relevance_score" in results[0]! ? "relevance_score" : "score";
    results[0]![scoreField] = "0.9";
    const err = catchViolation(() => dialect.normalise(broken));
    expect(err.field).toBe(Array.isArray(broken) ? `0.${scoreField}` : `results.0.${scoreField}`);
    expect(err.message).toContain(scoreField);
  });

  it("rejects a negative index and a missing results list", () => {
    const negative = structuredClone(bodies.success) as unknown;
    const results = Array.isArray(negative) ? negative : (negative as { results: Record<string, unknown>[] }).results;
    results[0]!["index"] = -1;
    expect(catchViolation(() => dialect.normalise(negative)).field).toMatch(/^(results\.)?0\.index$/);
    expect(() => dialect.normalise({})).toThrow(ContractViolationError);
    expect(() => dialect.normalise("<html>")).toThrow(ContractViolationError);
  });

  it("rejects an error body that is not its envelope", () => {
    expect(() => dialect.errorMessage({ unexpected: true })).toThrow(ContractViolationError);
  });

  it("builds a request its own request schema accepts", () => {
    const built = dialect.buildRequest({ query: seedQuery, documents: seedDocuments, topN: 2, model: "m" });
    expect(built.path).toBe(dialect.paths[0]);
    expect(dialect.schemas.request.safeParse(built.body).success).toBe(true);
    expect(dialect.buildRequest({ query: "q", documents: ["d"], model: "m" }, dialect.paths.at(-1)).path).toBe(dialect.paths.at(-1));
  });

  it("states an expectation with a source for every bad-input class", () => {
    for (const cls of BAD_INPUT_CLASSES) {
      const e = dialect.expectations.badInput[cls];
      if (e) expect(e.source.length, `${name} ${cls}`).toBeGreaterThan(5);
    }
    expect(dialect.expectations.auth.statuses.length).toBeGreaterThan(0);
  });
});

describe("builders produce each API's documented request", () => {
  const input = { query: seedQuery, documents: seedDocuments, topN: 2, returnDocuments: true, model: "BAAI/bge-reranker-base" };

  it("vllm: documents and top_n; return_documents passed through", () => {
    expect(getDialect("vllm").buildRequest(input)).toEqual({
      path: "/rerank",
      body: { model: "BAAI/bge-reranker-base", query: seedQuery, documents: seedDocuments, top_n: 2, return_documents: true },
    });
  });

  it("tei: texts and return_text, no model, no top_n", () => {
    expect(getDialect("tei").buildRequest(input)).toEqual({ path: "/rerank", body: { query: seedQuery, texts: seedDocuments, return_text: true } });
  });

  it("cohere-v2: no return_documents on /v2/rerank", () => {
    expect(getDialect("cohere-v2").buildRequest(input)).toEqual({
      path: "/v2/rerank",
      body: { model: "BAAI/bge-reranker-base", query: seedQuery, documents: seedDocuments, top_n: 2 },
    });
  });

  it("jina and cohere-v1 on /v1/rerank; llamacpp has no return_documents", () => {
    expect(getDialect("jina").buildRequest(input).path).toBe("/v1/rerank");
    expect(getDialect("cohere-v1").buildRequest(input).body).toMatchObject({ return_documents: true, top_n: 2 });
    expect(getDialect("llamacpp").buildRequest(input).body).not.toHaveProperty("return_documents");
  });

  it("leaves absent options out of the body and merges extra fields", () => {
    const body = getDialect("infinity").buildRequest({ query: "q", documents: ["a"], extra: { raw_scores: true } }).body;
    expect(body).toEqual({ query: "q", documents: ["a"], raw_scores: true });
  });
});

describe("dialect-specific shapes", () => {
  it("tei: the body is a bare array and text comes back as a string document", () => {
    const out = getDialect("tei").normalise([{ index: 0, score: 0.5, text: "hello" }]);
    expect(out.results).toEqual([{ index: 0, score: 0.5, document: "hello" }]);
    expect(() => getDialect("tei").normalise({ results: [] })).toThrow(/expected array/);
  });

  it("infinity: document is a bare string or null", () => {
    const out = getDialect("infinity").normalise(documented.infinity.success);
    expect(out.results[0]!.document).toBe(seedDocuments[1]);
    expect(out.results[1]).not.toHaveProperty("document");
    expect(out.usage).toEqual({ promptTokens: 40, totalTokens: 40 });
  });

  it("vllm: document{text} maps to the text; usage maps to tokens", () => {
    const out = getDialect("vllm").normalise(documented.vllm.success);
    expect(out.results[0]!.document).toBe(seedDocuments[1]);
    expect(out.usage?.totalTokens).toBe(56);
    expect(out.model).toBe("BAAI/bge-reranker-base");
  });

  it("cohere: usage in search units from meta.billed_units", () => {
    expect(getDialect("cohere-v1").normalise(documented["cohere-v1"].success).usage).toEqual({ searchUnits: 1 });
  });

  it("jina: a document given as a bare string is kept", () => {
    const out = getDialect("jina").normalise({ model: "m", usage: { total_tokens: 1 }, results: [{ index: 0, relevance_score: 0.3, document: "x" }] });
    expect(out.results[0]!.document).toBe("x");
  });

  it("scores that are not finite never pass (JSON has no NaN, and a string is rejected)", () => {
    expect(() => getDialect("llamacpp").normalise({ usage: { prompt_tokens: 1, total_tokens: 1 }, results: [{ index: 0, relevance_score: null }] })).toThrow(
      /relevance_score/,
    );
  });
});

function catchViolation(fn: () => unknown): ContractViolationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ContractViolationError) return err;
    throw err;
  }
  throw new Error("expected a ContractViolationError");
}
