import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { HttpExchange, SendOptions } from "../../src/client/http-client.js";
import { CATALOGUE, checksForArea, getCheck, matchesOnly, resolveSource, unknownPrefixes } from "../../src/checks/catalogue/index.js";
import { judgeBadInput } from "../../src/checks/catalogue/errors.js";
import { CheckContext, type SuiteDataset } from "../../src/checks/context.js";
import { executeCheck } from "../../src/checks/execute.js";
import { DEFAULT_SEED } from "../../src/checks/run.js";
import { suiteTargetFor } from "../../src/checks/suite-target.js";
import type { BadInputExpectation } from "../../src/contract/dialect.js";
import { getDialect, listDialects } from "../../src/contract/registry.js";
import type { StartedTarget } from "../../src/targets/target.js";
import { makeQueries, writeMteb } from "../quality/datasets.js";
import { startCohereLikeServer, startInfinityLikeServer, startLlamacppLikeServer } from "../servers/dialect-servers.js";
import { startRewritingProxy, type Reply, type Seen } from "../servers/rewriting-proxy.js";
import { asTarget, dialectTarget } from "../servers/target.js";
import { startTeiLikeServer } from "../servers/tei-like.js";
import { SERVED_MODEL, startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";

// Tests aimed at what catalogue-checks.test.ts leaves unchecked in the schema, sort, top_n,
// documents, invariance, errors, auth and dataset checks: the requests each check sends (with
// the labels its evidence carries), the sources and skip reasons per dialect, and the failure
// branches no faulty imitation reaches, driven through a proxy that breaks one answer.

const MINE = ["schema", "sort", "top_n", "documents", "invariance", "errors", "auth", "relevance.dataset"];
const myChecks = CATALOGUE.filter((c) => MINE.some((p) => c.id.startsWith(p)));

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

function contextFor(target: StartedTarget, seed = DEFAULT_SEED, dataset?: SuiteDataset): CheckContext {
  const ctx = new CheckContext(suiteTargetFor(target, { timeoutMs: 5_000, strict: false, fuzz: 0, seed, ...(dataset ? { dataset } : {}) }));
  closers.push(() => ctx.close());
  return ctx;
}

async function serve<T extends TestServer>(p: Promise<T>): Promise<T> {
  const s = await p;
  closers.push(() => s.close());
  return s;
}

/** A faithful server behind a proxy that rewrites the answers `rewrite` picks. */
async function proxied(upstream: Promise<TestServer>, rewrite: (s: Seen) => Reply | undefined) {
  return serve(startRewritingProxy(await serve(upstream), rewrite));
}

function describeSend(req: SendOptions, label: string | undefined): string {
  const body = req.json !== undefined ? JSON.stringify(req.json) : `raw(${req.contentType ?? "none"}) ${req.rawBody ?? ""}`;
  const shown = body.length > 110 ? `${body.slice(0, 80)}…[${body.length} chars]` : body;
  return `${label ?? "(no label)"} | ${req.method} ${req.path} ${shown}${req.auth !== undefined ? ` auth=${String(req.auth)}` : ""}`;
}

/** Runs one check and lists every request it sent, in order, with its label. */
async function recorded(ctx: CheckContext, id: string) {
  const sends: string[] = [];
  const original = ctx.send.bind(ctx);
  vi.spyOn(ctx, "send").mockImplementation((req, label) => {
    sends.push(describeSend(req, label));
    return original(req, label);
  });
  const outcome = await executeCheck(getCheck(id)!, ctx);
  return { outcome, sends };
}

describe("the requests each check sends, with the labels its evidence carries (faithful vLLM)", () => {
  test.each(myChecks.filter((c) => c.id !== "relevance.dataset" && c.id !== "auth.required").map((c) => c.id))("%s", async (id) => {
    const server = await serve(startVllmLikeServer());
    const { outcome, sends } = await recorded(contextFor(asTarget(server, "vllm")), id);
    expect(["pass", "skip"]).toContain(outcome.status);
    expect(sends).toMatchSnapshot();
  });

  test("auth.required sends the seed request without a key and with a wrong one", async () => {
    process.env.RERANK_MUTANTS_B_KEY = "sk-mutants-b";
    const server = await serve(startVllmLikeServer({ apiKey: "sk-mutants-b" }));
    const { outcome, sends } = await recorded(contextFor(asTarget(server, "auth", "RERANK_MUTANTS_B_KEY")), "auth.required");
    expect(outcome.status).toBe("pass");
    expect(sends).toMatchSnapshot();
  });

  test("on TEI, errors.too_many_documents sends one document over the 32 limit, and the documents checks switch return_text", async () => {
    const server = await serve(startTeiLikeServer());
    const ctx = contextFor(dialectTarget(server, "tei", undefined));
    const all: string[] = [];
    for (const id of ["errors.too_many_documents", "documents.requested", "documents.omitted", "documents.default"]) {
      const { outcome, sends } = await recorded(ctx, id);
      expect(outcome.status, `${id}: ${outcome.message}`).toBe("pass");
      all.push(...sends);
      vi.restoreAllMocks();
    }
    expect(all).toMatchSnapshot();
  });

  test("invariance.permutation reverses a shuffle that left the order unchanged", async () => {
    // 11563: the seed whose shuffle of 7 documents is the identity.
    const server = await serve(startVllmLikeServer());
    const { outcome, sends } = await recorded(contextFor(asTarget(server, "vllm"), 11563), "invariance.permutation");
    expect(outcome.status).toBe("pass");
    expect(sends[1]).toMatch(/^shuffled: 6,5,4,3,2,1,0 \|/);
  });
});

describe("sources and skip reasons per dialect", () => {
  test.each(listDialects().map((d) => d.name))("%s", (name) => {
    const d = getDialect(name);
    expect(myChecks.map((c) => `${c.id}: ${resolveSource(c, d)} || skip: ${c.skipReason(d) ?? "-"}`)).toMatchSnapshot();
  });
});

describe("index: selecting checks", () => {
  test("matchesOnly selects by prefix; no prefixes select everything", () => {
    expect(matchesOnly("top_n.zero", undefined)).toBe(true);
    expect(matchesOnly("top_n.zero", [])).toBe(true);
    expect(matchesOnly("top_n.zero", ["top_n"])).toBe(true);
    expect(matchesOnly("top_n.zero", ["sort", "top_n.z"])).toBe(true);
    expect(matchesOnly("top_n.zero", ["sort"])).toBe(false);
  });
  test("checksForArea keeps one area's checks, narrowed by --only", () => {
    expect(checksForArea("sort").map((c) => c.id)).toEqual(["sort.descending", "sort.ties"]);
    expect(checksForArea("top_n", ["top_n.z", "sort"]).map((c) => c.id)).toEqual(["top_n.zero"]);
    expect(checksForArea("top_n", ["sort"])).toEqual([]);
  });
  test("unknownPrefixes names the prefixes that select nothing", () => {
    expect(unknownPrefixes(["top_n", "sorts", "errors.too"])).toEqual(["sorts"]);
  });
});

describe("judgeBadInput", () => {
  const vllm = getDialect("vllm");
  const ex = (status: number, text: string, contentType = "application/json"): HttpExchange => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      request: { method: "POST", url: "http://127.0.0.1:1/rerank", headers: {} },
      status,
      headers: contentType ? { "content-type": contentType } : {},
      text,
      ...(json !== undefined ? { json } : {}),
      timings: {},
    } as unknown as HttpExchange;
  };
  const envelope = JSON.stringify({ error: { message: "bad", type: "BadRequestError", param: null, code: 400 } });
  const e400: BadInputExpectation = { statuses: [400], body: "envelope", source: "s" } as BadInputExpectation;
  const any4xx: BadInputExpectation = { statuses: "any-4xx", body: "any", source: "s" } as BadInputExpectation;
  const text: BadInputExpectation = { statuses: [413], body: "text", source: "s" } as BadInputExpectation;
  const mayAccept: BadInputExpectation = { statuses: [], body: "any", mayAccept: "truncates", source: "s" } as BadInputExpectation;
  const both: BadInputExpectation = { statuses: [400, 422], body: "any", mayAccept: "truncates", source: "s" } as BadInputExpectation;

  test("a listed status with the envelope as JSON passes", () => {
    expect(judgeBadInput(vllm, e400, ex(400, envelope))).toBeNull();
  });
  test("a status outside the list fails, saying which were expected", () => {
    expect(judgeBadInput(vllm, e400, ex(422, envelope))).toBe("expected 400, got 422: bad");
    expect(judgeBadInput(vllm, e400, ex(302, ""))).toBe("expected 400, got 302 (empty body)");
    expect(judgeBadInput(vllm, e400, ex(300, ""))).toBe("expected 400, got 300 (empty body)");
    expect(judgeBadInput(vllm, both, ex(404, ""))).toBe("expected 400 or 422 or 2xx (the server truncates), got 404 (empty body)");
  });
  test("a 5xx and an accepted 2xx fail", () => {
    expect(judgeBadInput(vllm, e400, ex(500, envelope))).toBe("expected 400, got 500: bad (a server error is never right for bad input)");
    expect(judgeBadInput(vllm, e400, ex(200, "{}"))).toBe("expected 400, got 200: the bad input was accepted");
    expect(judgeBadInput(vllm, e400, ex(299, "{}"))).toBe("expected 400, got 299: the bad input was accepted");
  });
  test("where the dialect may accept, a 2xx must be a valid answer", () => {
    const ok = JSON.stringify({ id: "x", model: "m", usage: { total_tokens: 1 }, results: [{ index: 0, relevance_score: 0.5, document: { text: "a" } }] });
    expect(judgeBadInput(vllm, mayAccept, ex(200, ok))).toBeNull();
    expect(judgeBadInput(vllm, mayAccept, ex(200, '{"results": 5}'))).toMatch(
      /^expected 2xx \(the server truncates\), got 200 with a body that is not a valid answer: vllm response does not match the contract: id: /,
    );
  });
  test("any-4xx takes 400..499 only", () => {
    expect(judgeBadInput(vllm, any4xx, ex(400, ""))).toBeNull();
    expect(judgeBadInput(vllm, any4xx, ex(499, ""))).toBeNull();
    expect(judgeBadInput(vllm, any4xx, ex(399, ""))).toBe("expected a 4xx, got 399 (empty body)");
    expect(judgeBadInput(vllm, any4xx, ex(100, ""))).toBe("expected a 4xx, got 100 (empty body)");
  });
  test("the envelope must parse as the dialect's error body, and come as JSON", () => {
    expect(judgeBadInput(vllm, e400, ex(400, "<h1>400</h1>", "text/html"))).toBe(
      'status 400 is right, but the body is not the vLLM error envelope: "<h1>400</h1>"',
    );
    expect(judgeBadInput(vllm, e400, ex(400, '{"detail": "no"}'))).toBe(
      'status 400 is right, but the body is not the vLLM error envelope: "{\\"detail\\": \\"no\\"}"',
    );
    expect(judgeBadInput(vllm, e400, ex(400, envelope, "text/plain"))).toBe('status 400 and envelope are right, but Content-Type is "text/plain"');
    expect(judgeBadInput(vllm, e400, ex(400, envelope, ""))).toBe("status 400 and envelope are right, but Content-Type is null");
  });
  test("a text body must not be empty", () => {
    expect(judgeBadInput(vllm, text, ex(413, "  \n", "text/plain"))).toBe("status 413 is right, but the body is empty (a message is expected)");
    expect(judgeBadInput(vllm, text, ex(413, " too big ", "text/plain"))).toBeNull();
    expect(judgeBadInput(vllm, any4xx, ex(413, "", "text/plain"))).toBeNull();
  });
});

type Json = Record<string, any>;
const isRerank = (s: Seen) => s.path.endsWith("/rerank") && typeof s.body === "object" && s.body !== null;
const results = (s: Seen) => (s.json as Json).results as Json[];
const withResults = (s: Seen, r: Json[]): Reply => ({ status: 200, json: { ...(s.json as Json), results: r } });

async function outcomeOf(
  server: TestServer,
  id: string,
  dialect = "vllm",
  options: { seed?: number; dataset?: SuiteDataset; model?: string | undefined } = {},
) {
  const target = dialect === "vllm" ? asTarget(server, "proxy") : dialectTarget(server, dialect, "model" in options ? options.model : undefined);
  return executeCheck(getCheck(id)!, contextFor(target, options.seed, options.dataset));
}

describe("top_n failures no faulty imitation shows", () => {
  const vllm = () => startVllmLikeServer();
  const topN = (s: Seen) => (isRerank(s) ? (s.body as Json).top_n : undefined);

  test("top_n=0 answered 5xx fails as a server error", async () => {
    const server = await proxied(vllm(), (s) =>
      topN(s) === 0 ? { status: 500, json: { error: { message: "boom", type: "InternalServerError", param: null, code: 500 } } } : undefined,
    );
    const o = await outcomeOf(server, "top_n.zero");
    expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual([
      "fail",
      "top_n=0 was answered 500: boom; a server error is never right",
      ["top_n=0"],
    ]);
  });
  test("top_n=0 refused where vLLM answers all results fails; top_n=-1 refused passes (all-or-rejected)", async () => {
    const refuse = (s: Seen) =>
      typeof topN(s) === "number" && topN(s) <= 0
        ? { status: 400, json: { error: { message: "top_n must be positive", type: "BadRequestError", param: null, code: 400 } } }
        : undefined;
    const server = await proxied(vllm(), refuse);
    const zero = await outcomeOf(server, "top_n.zero");
    expect([zero.status, zero.message, zero.evidence?.length]).toEqual([
      "fail",
      "top_n=0 was refused (400: top_n must be positive); the dialect answers with all results",
      1,
    ]);
    expect((await outcomeOf(server, "top_n.negative")).status).toBe("pass");
  });
  test("top_n=0 answered 2xx with a body that is not an answer fails, saying why", async () => {
    const server = await proxied(vllm(), (s) => (topN(s) === 0 ? { status: 200, json: { results: "none" } } : undefined));
    const o = await outcomeOf(server, "top_n.zero");
    expect(o.status).toBe("fail");
    expect(o.message).toMatch(/^top_n=0: expected all; got status 200 \(vllm response does not match the contract: id: .*\)$/);
  });
  test("top_n=-1 answered 5xx fails even where the dialect may refuse it", async () => {
    const server = await proxied(vllm(), (s) => (topN(s) === -1 ? { status: 502, text: "bad gateway", contentType: "text/plain" } : undefined));
    const o = await outcomeOf(server, "top_n.negative");
    expect([o.status, o.message]).toEqual(["fail", "top_n=-1 was answered 502: bad gateway; a server error is never right"]);
  });
  test("top_n=-1 answered 2xx with fewer than all results fails (all-or-rejected means all when accepted)", async () => {
    const server = await proxied(vllm(), (s) => (topN(s) === -1 ? withResults(s, results(s).slice(0, 1)) : undefined));
    const o = await outcomeOf(server, "top_n.negative");
    expect([o.status, o.message, o.evidence?.length]).toEqual(["fail", "top_n=-1 (all-or-rejected): expected 5 results, got 1 (indices 1)", 1]);
  });
  test("top_n=2 keeping the best and the worst fails: a dropped document outscores a kept one", async () => {
    // Upstream ignores top_n (all 5 come back); the proxy keeps the first and the last.
    const server = await proxied(startVllmLikeServer({ fault: "top_n_ignored" }), (s) =>
      topN(s) === 2 ? withResults(s, [results(s)[0]!, results(s).at(-1)!]) : undefined,
    );
    const o = await outcomeOf(server, "top_n.truncates");
    expect(o.status).toBe("fail");
    expect(o.message).toMatch(/^top_n=2 dropped document \d \(score [\d.e-]+\) but kept one scoring [\d.e-]+$/);
    expect(o.evidence?.map((e) => e.label)).toEqual(["top_n=2 of 5 documents", "5 documents, no top_n"]);
  });
  test("without top_n, a missing result fails top_n.absent with the answer as evidence", async () => {
    const server = await proxied(vllm(), (s) => (isRerank(s) && topN(s) === undefined ? withResults(s, results(s).slice(0, 4)) : undefined));
    const o = await outcomeOf(server, "top_n.absent");
    expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual([
      "fail",
      "5 documents, no top_n: expected 5 results, got 4 (indices 1, 2, 3, 0)",
      ["5 documents, no top_n"],
    ]);
  });
  test("an out-of-range index fails top_n.absent with the answer as evidence", async () => {
    const server = await proxied(vllm(), (s) =>
      isRerank(s) && topN(s) === undefined
        ? withResults(
            s,
            results(s).map((x, i) => (i === 0 ? { ...x, index: 9 } : x)),
          )
        : undefined,
    );
    const o = await outcomeOf(server, "top_n.absent");
    expect([o.status, o.evidence?.length]).toEqual(["fail", 1]);
    expect(o.message).toMatch(/^results\[0\]\.index is 9, outside the 5 input documents/);
  });

  test("llama.cpp (top_n=0 → no results): refusing fails, answering all fails, answering none passes", async () => {
    const refuse = await proxied(startLlamacppLikeServer(), (s) =>
      topN(s) === 0 ? { status: 400, json: { error: { code: 400, message: "no", type: "invalid_request_error" } } } : undefined,
    );
    const r = await outcomeOf(refuse, "top_n.zero", "llamacpp");
    expect([r.status, r.message]).toEqual(["fail", "top_n=0 was refused (400: no); the dialect answers with no results"]);
    expect((await outcomeOf(await serve(startLlamacppLikeServer()), "top_n.zero", "llamacpp")).status).toBe("pass");
  });

  test("Cohere (top_n=0 → rejected): accepting it fails", async () => {
    const upstream = await serve(startCohereLikeServer(1));
    // Answers top_n=0 with the full answer, as if top_n were absent.
    const full = (await (
      await fetch(`${upstream.url}/v1/rerank`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: SERVED_MODEL, query: "What is the capital of France?", documents: ["a", "b", "c", "d", "e"] }),
      })
    ).json()) as Json;
    const server = await serve(startRewritingProxy(upstream, (s) => (topN(s) === 0 ? { status: 200, json: full } : undefined)));
    const o = await outcomeOf(server, "top_n.zero", "cohere-v1");
    expect([o.status, o.message, o.evidence?.length]).toEqual(["fail", "top_n=0 was accepted (200 with 5 results); the dialect refuses it with a 4xx", 1]);
  });
});

describe("documents failures no faulty imitation shows", () => {
  const rd = (s: Seen) => (isRerank(s) ? (s.body as Json).return_text : undefined);
  test("TEI return_text=false or absent: a present text fails", async () => {
    const kept = await proxied(startTeiLikeServer(), (s) =>
      rd(s) === false ? { status: 200, json: (s.json as Json[]).map((x) => ({ ...x, text: "x".repeat(100) })) } : undefined,
    );
    const b = await outcomeOf(kept, "documents.omitted", "tei");
    expect([b.status, b.message, b.evidence?.length]).toEqual([
      "fail",
      `return_documents=false: results[0].text is present (${JSON.stringify("x".repeat(100)).slice(0, 80)}); it should be left out`,
      1,
    ]);
    const byDefault = await proxied(startTeiLikeServer(), (s) =>
      rd(s) === undefined && isRerank(s) ? { status: 200, json: (s.json as Json[]).map((x) => ({ ...x, text: "t" })) } : undefined,
    );
    const c = await outcomeOf(byDefault, "documents.default", "tei");
    expect([c.status, c.message]).toEqual(["fail", 'return_documents absent: results[0].text is present ("t"); it should be left out']);
  });
  test("TEI return_text=true without text fails documents.requested", async () => {
    const server = await proxied(startTeiLikeServer(), (s) =>
      rd(s) === true ? { status: 200, json: (s.json as Json[]).map(({ text: _t, ...x }) => x) } : undefined,
    );
    const o = await outcomeOf(server, "documents.requested", "tei");
    expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual([
      "fail",
      "return_documents=true: results[0] (index 1) carries no document",
      ["return_documents=true"],
    ]);
  });
  test("Infinity strips whitespace: an unstripped echo fails, saying the dialect strips; long texts are clipped to 120 characters", async () => {
    const server = await proxied(startInfinityLikeServer(), (s) => {
      if (!isRerank(s) || (s.body as Json).return_documents !== true) return undefined;
      const docs = (s.body as Json).documents as string[];
      return withResults(
        s,
        results(s).map((x) => ({ ...x, document: docs[x.index] === docs[x.index]!.trim() ? `${docs[x.index]} ${"y".repeat(150)}` : docs[x.index] })),
      );
    });
    const exact = await outcomeOf(server, "documents.echo_exact", "infinity");
    expect(exact.status).toBe("fail");
    expect(exact.message).toMatch(
      /^return_documents=true: results\[0\]\.document is "[^"]*", expected the input text stripped of surrounding whitespace "[^"]*"$/,
    );
    const requested = await outcomeOf(server, "documents.requested", "infinity");
    const sent = JSON.stringify(`The capital of France is Paris. ${"y".repeat(150)}`).slice(0, 120);
    expect(requested.message).toBe(
      `return_documents=true: results[0].document is ${sent}, expected the input text stripped of surrounding whitespace "The capital of France is Paris."`,
    );
  });
  test("Infinity: the faithful echo (stripped) passes echo_exact", async () => {
    const o = await outcomeOf(await serve(startInfinityLikeServer()), "documents.echo_exact", "infinity");
    expect([o.status, o.message]).toEqual(["pass", undefined]);
  });
});

describe("invariance failures no faulty imitation shows", () => {
  test("a document sent alone that gets no result fails invariance.batch with that answer as evidence", async () => {
    const server = await proxied(startVllmLikeServer(), (s) =>
      isRerank(s) && ((s.body as Json).documents as string[]).length === 1 ? withResults(s, []) : undefined,
    );
    const o = await outcomeOf(server, "invariance.batch");
    expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual(["fail", "document 0 alone got no result", ["document 0 alone"]]);
  });
  test("a duplicate missing from the results fails invariance.duplicates", async () => {
    const server = await proxied(startVllmLikeServer(), (s) =>
      isRerank(s)
        ? withResults(
            s,
            results(s).filter((x) => x.index !== 2),
          )
        : undefined,
    );
    const o = await outcomeOf(server, "invariance.duplicates");
    expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual([
      "fail",
      "document 2 or 0 is missing from the results",
      ["identical documents at 0, 2, 4"],
    ]);
  });
  test("a copy scoring differently fails invariance.duplicates, naming the copy", async () => {
    const server = await proxied(startVllmLikeServer(), (s) =>
      isRerank(s)
        ? withResults(
            s,
            results(s).map((x) => (x.index === 4 ? { ...x, relevance_score: x.relevance_score / 2 } : x)),
          )
        : undefined,
    );
    const o = await outcomeOf(server, "invariance.duplicates");
    expect(o.status).toBe("fail");
    expect(o.message).toMatch(/^a copy of document 0 at index 4 changed scores beyond the tolerance/);
    expect(o.evidence).toHaveLength(1);
  });
  test("a second answer that differs fails invariance.deterministic with both exchanges", async () => {
    const server = await proxied(startVllmLikeServer(), (s) =>
      s.n === 1
        ? withResults(
            s,
            results(s).map((x) => ({ ...x, relevance_score: x.relevance_score / 2 })),
          )
        : undefined,
    );
    const o = await outcomeOf(server, "invariance.deterministic");
    expect(o.status).toBe("fail");
    expect(o.evidence?.map((e) => e.label)).toEqual(["first", "second"]);
  });
});

describe("sort, schema and auth failures no faulty imitation shows", () => {
  const dupes = (s: Seen) =>
    isRerank(s) && ((s.body as Json).documents as string[]).length === 5 && (s.body as Json).query === "What is the capital of France?";
  test("ties in the wrong order warn sort.ties, naming both orders", async () => {
    const server = await proxied(startVllmLikeServer(), (s) => {
      if (!dupes(s)) return undefined;
      const r = results(s);
      const tied = r.filter((x) => [1, 3, 4].includes(x.index)).reverse();
      return withResults(s, [...tied, ...r.filter((x) => ![1, 3, 4].includes(x.index))]);
    });
    const o = await outcomeOf(server, "sort.ties");
    expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual([
      "warn",
      "identical documents at indices 1, 3, 4 tie; expected them in order 1, 3, 4 (input-order), got 4, 3, 1",
      ["three identical documents"],
    ]);
  });
  test("duplicates that do not score exactly the same are not ties: sort.ties passes whatever their order", async () => {
    const server = await proxied(startVllmLikeServer(), (s) => {
      if (!dupes(s)) return undefined;
      const r = results(s);
      const tied = r.filter((x) => [1, 3, 4].includes(x.index));
      const base = tied[0]!.relevance_score as number;
      const bumped = [3, 1, 4].map((index, k) => ({ ...tied.find((x) => x.index === index)!, relevance_score: base - k * 1e-12 }));
      return withResults(s, [...bumped, ...r.filter((x) => ![1, 3, 4].includes(x.index))]);
    });
    expect((await outcomeOf(server, "sort.ties")).status).toBe("pass");
  });
  test("an out-of-range index fails sort.descending with the answer as evidence", async () => {
    const server = await proxied(startVllmLikeServer(), (s) =>
      isRerank(s)
        ? withResults(
            s,
            results(s).map((x) => ({ ...x, index: x.index + 100 })),
          )
        : undefined,
    );
    const o = await outcomeOf(server, "sort.descending");
    expect([o.status, o.evidence?.map((e) => e.label)]).toEqual(["fail", ["12 documents"]]);
  });
  test("without a valid seed answer, schema.indices and schema.complete fail pointing at schema.response", async () => {
    const server = await proxied(startVllmLikeServer(), (s) =>
      isRerank(s) ? { status: 503, json: { error: { message: "busy", type: "x", param: null, code: 503 } } } : undefined,
    );
    for (const id of ["schema.indices", "schema.complete"]) {
      const o = await outcomeOf(server, id);
      expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual([
        "fail",
        "no valid answer to check (a valid request was refused with status 503: busy; see schema.response)",
        ["seed request"],
      ]);
    }
    const r = await outcomeOf(server, "schema.response");
    expect([r.status, r.message]).toEqual(["fail", "seed request: a valid request was refused with status 503: busy"]);
  });
  test("a seed answer short of one result fails schema.complete, and a bad index schema.response, each with the answer", async () => {
    const short = await proxied(startVllmLikeServer(), (s) => (isRerank(s) ? withResults(s, results(s).slice(1)) : undefined));
    const o = await outcomeOf(short, "schema.complete");
    expect(o.status).toBe("fail");
    expect(o.message).toMatch(/^3 documents, no top_n: expected 3 results, got 2 /);
    expect(o.evidence?.map((e) => e.label)).toEqual(["seed request"]);
    const bad = await proxied(startVllmLikeServer(), (s) =>
      isRerank(s)
        ? withResults(
            s,
            results(s).map((x) => ({ ...x, index: -1 })),
          )
        : undefined,
    );
    for (const id of ["schema.response", "schema.complete"]) {
      const b = await outcomeOf(bad, id);
      expect([b.status, b.evidence?.map((e) => e.label)], `${id}: ${b.message}`).toEqual(["fail", ["seed request"]]);
    }
  });
  test("auth: a 403 refuses as well as a 401; a wrong key accepted fails with that exchange alone", async () => {
    process.env.RERANK_MUTANTS_B_KEY = "sk-mutants-b";
    const forbid = await proxied(startVllmLikeServer({ apiKey: "sk-mutants-b" }), (s) =>
      s.status === 401 ? { status: 403, json: { error: "Forbidden" } } : undefined,
    );
    expect((await executeCheck(getCheck("auth.required")!, contextFor(asTarget(forbid, "auth", "RERANK_MUTANTS_B_KEY")))).status).toBe("pass");
    const half = await proxied(startVllmLikeServer(), (s) => (s.n === 0 ? { status: 401, json: { error: "Unauthorized" } } : undefined));
    const o = await executeCheck(getCheck("auth.required")!, contextFor(asTarget(half, "auth", "RERANK_MUTANTS_B_KEY")));
    expect([o.status, o.message, o.evidence?.map((e) => e.label)]).toEqual(["fail", "a wrong bearer key: expected 401, got 200", ["a wrong bearer key"]]);
  });
  test("auth: without a key configured, the check skips naming the variable", async () => {
    delete process.env.RERANK_MUTANTS_B_NOKEY;
    const o = await executeCheck(getCheck("auth.required")!, contextFor(asTarget(await serve(startVllmLikeServer()), "auth", "RERANK_MUTANTS_B_NOKEY")));
    expect([o.status, o.message]).toEqual(["skip", "no API key in $RERANK_MUTANTS_B_NOKEY: nothing to enforce"]);
  });
});

describe("relevance.dataset failures and boundaries", () => {
  const dir = mkdtempSync(join(tmpdir(), "rh-mutants-b-"));
  const file = join(dir, "m.jsonl");
  writeMteb(file, makeQueries(4));
  const spec = (extra: Partial<SuiteDataset> = {}): SuiteDataset => ({ path: file, candidates: 100, seed: 1, queries: 4, ...extra });

  test("each query is one request, labelled with its number of documents", async () => {
    const server = await serve(startVllmLikeServer());
    const { outcome, sends } = await recorded(contextFor(asTarget(server, "d"), DEFAULT_SEED, spec({ candidates: 4 })), "relevance.dataset");
    expect(outcome.status).toBe("pass");
    expect(sends.map((x) => x.split(" | ")[0])).toEqual(Array(4).fill("dataset query (10 documents)"));
  });
  test("queries answered 5xx fail, naming the status, with at most three exchanges", async () => {
    const server = await proxied(startVllmLikeServer(), (s) => (isRerank(s) ? { status: 500, text: "", contentType: "text/plain" } : undefined));
    const o = await outcomeOf(server, "relevance.dataset", "vllm", { dataset: spec() });
    expect([o.status, o.message, o.evidence?.length]).toEqual(["fail", "4 of 4 queries could not be scored (line-1: HTTP 500); NDCG@10 – on the others", 3]);
  });
  test("queries whose connection breaks fail with the transport error, with at most three exchanges", async () => {
    const upstream = await serve(startVllmLikeServer());
    const { createServer } = await import("node:http");
    const broken = createServer((req) => req.socket.destroy());
    const { listen } = await import("../servers/vllm-like.js");
    const server = await serve(listen(broken));
    void upstream;
    const o = await outcomeOf(server, "relevance.dataset", "vllm", { dataset: spec() });
    expect(o.status).toBe("fail");
    expect(o.message).toMatch(/^4 of 4 queries could not be scored \(line-1: no usable response: .*\); NDCG@10 – on the others$/);
    expect(o.evidence).toHaveLength(3);
  });
  test("a BEIR folder sends each query's first-stage candidates, split at the dialect's batch limit (TEI: 32)", async () => {
    // One query, 40 documents that all share its term: the first stage keeps the 35 asked for.
    const beir = join(dir, "beir");
    mkdirSync(join(beir, "qrels"), { recursive: true });
    const ids = Array.from({ length: 40 }, (_, i) => `d${i}`);
    writeFileSync(
      join(beir, "corpus.jsonl"),
      ids.map((id, i) => JSON.stringify({ _id: id, title: "", text: `zebra fact ${"zebra ".repeat(i % 5)}number ${i}` })).join("\n") + "\n",
    );
    writeFileSync(join(beir, "queries.jsonl"), JSON.stringify({ _id: "q1", text: "zebra" }) + "\n");
    writeFileSync(
      join(beir, "qrels", "test.tsv"),
      ["query-id\tcorpus-id\tscore", ...ids.map((id, i) => `q1\t${id}\t${i % 5 === 4 ? 1 : 0}`)].join("\n") + "\n",
    );
    const server = await serve(startTeiLikeServer());
    const ctx = contextFor(dialectTarget(server, "tei"), DEFAULT_SEED, { path: beir, candidates: 35, seed: 1, queries: 1 });
    const { outcome, sends } = await recorded(ctx, "relevance.dataset");
    expect(outcome.status, outcome.message).toBe("pass");
    expect(sends.map((x) => x.split(" | ")[0])).toEqual(["dataset query (32 documents)", "dataset query (3 documents)"]);
  });
  test("a --min-ndcg of 0 passes and says so", async () => {
    const o = await outcomeOf(await serve(startVllmLikeServer()), "relevance.dataset", "vllm", { dataset: spec({ minNdcg: 0 }) });
    expect(o.status).toBe("pass");
    expect(o.message).toMatch(/^NDCG@10 \d\.\d{4} ≥ --min-ndcg 0; MAP/);
  });
});
