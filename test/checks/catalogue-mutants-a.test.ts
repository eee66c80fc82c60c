import { afterEach, describe, expect, test } from "vitest";
import { getCheck } from "../../src/checks/catalogue/index.js";
import { CheckContext } from "../../src/checks/context.js";
import { GRADED, relevanceSets, seedSet, UNICODE_DOCUMENTS } from "../../src/checks/data.js";
import { executeCheck } from "../../src/checks/execute.js";
import { DEFAULT_SEED } from "../../src/checks/run.js";
import { suiteTargetFor } from "../../src/checks/suite-target.js";
import type { CheckOutcome } from "../../src/checks/types.js";
import { getDialect } from "../../src/contract/registry.js";
import { startCohereLikeServer, startJinaLikeServer } from "../servers/dialect-servers.js";
import { startRewritingProxy, type Reply, type RewritingProxy, type Seen } from "../servers/rewriting-proxy.js";
import { SERVED_MODEL, startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";

// The failure branches of the input, scores, relevance, usage, paths and fuzz checks, each
// driven by a faithful imitation behind a proxy that breaks exactly one thing: the check must
// fail (or pass) saying why, with the exchanges as evidence.

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

interface Run {
  outcome: CheckOutcome;
  proxy: RewritingProxy;
}

async function runCheck(
  id: string,
  rewrite: (s: Seen) => Reply | undefined = () => undefined,
  options: { dialect?: "vllm" | "jina" | "cohere-v2"; fuzz?: number; randomRanking?: string } = {},
): Promise<Run> {
  const dialect = options.dialect ?? "vllm";
  const upstream: TestServer =
    dialect === "jina" ? await startJinaLikeServer() : dialect === "cohere-v2" ? await startCohereLikeServer(2) : await startVllmLikeServer();
  open.push(upstream);
  const proxy = await startRewritingProxy(upstream, rewrite);
  open.push(proxy);
  const target = {
    label: dialect,
    baseUrl: proxy.url,
    dialect: getDialect(dialect),
    model: SERVED_MODEL,
    apiKeyEnv: "RERANK_HARNESS_TEST_NO_KEY",
    stop: () => proxy.close(),
    ...(options.randomRanking ? { randomRanking: options.randomRanking } : {}),
  };
  const ctx = new CheckContext(suiteTargetFor(target, { timeoutMs: 5_000, strict: false, fuzz: options.fuzz ?? 20, seed: DEFAULT_SEED }));
  open.push(ctx);
  const outcome = await executeCheck(getCheck(id)!, ctx);
  return { outcome, proxy };
}

/** The upstream answer with its results replaced. */
const withResults = (s: Seen, f: (results: any[]) => any[], extra: Record<string, unknown> = {}): Reply => ({
  status: 200,
  json: { ...s.json, ...extra, results: f(s.json.results) },
});
const isRerank = (s: Seen) => s.method === "POST" && s.status === 200;
const ERROR_500: Reply = { status: 500, text: "Internal Server Error" };

function expectFail(run: Run, message: string | RegExp, exchanges: number, status = "fail") {
  expect(run.outcome.status, run.outcome.message).toBe(status);
  if (typeof message === "string") expect(run.outcome.message).toBe(message);
  else expect(run.outcome.message).toMatch(message);
  expect(run.outcome.evidence ?? []).toHaveLength(exchanges);
  for (const e of run.outcome.evidence ?? []) expect(e.request.url.startsWith(run.proxy.url)).toBe(true);
}

describe("input.unicode", () => {
  test("sends the unicode query and documents; a server error names the request", async () => {
    const run = await runCheck("input.unicode", () => ERROR_500);
    expectFail(run, "unicode documents: a valid request was refused with status 500: Internal Server Error", 1);
    expect(run.proxy.seen[0]!.body).toMatchObject({ query: "Welche Stadt ist die Hauptstadt? 首都 🏙️", documents: UNICODE_DOCUMENTS });
  });
  test("an index outside the documents fails", async () => {
    const run = await runCheck("input.unicode", (s) => withResults(s, (r) => r.map((x: any, i: number) => (i === 0 ? { ...x, index: 7 } : x))));
    expectFail(run, /^results\[0\]\.index is 7, outside the 5 input documents/, 1);
  });
  test("a dropped document fails", async () => {
    const run = await runCheck("input.unicode", (s) => withResults(s, (r) => r.slice(0, -1)));
    expectFail(run, /^unicode documents: expected 5 results, got 4/, 1);
  });
});

describe("input.empty_string", () => {
  const sent = (run: Run) =>
    expect(run.proxy.seen[0]!.body).toMatchObject({
      query: "What is the capital of France?",
      documents: ["The capital of France is Paris.", "", "Horses and cows are both animals."],
    });
  test.each([400, 422, 499])("a %i refusal passes", async (status) => {
    const run = await runCheck("input.empty_string", () => ({ status, json: { error: { message: "empty" } } }));
    expect(run.outcome.status, run.outcome.message).toBe("pass");
    sent(run);
  });
  test("a 500 fails", async () => {
    const run = await runCheck("input.empty_string", () => ERROR_500);
    expectFail(run, "answered 500: Internal Server Error", 1);
    expect(run.outcome.evidence![0]!.label).toBe("an empty-string document");
  });
  test("a 2xx body that is not the dialect's fails", async () => {
    expectFail(
      await runCheck("input.empty_string", () => ({ status: 200, json: { results: "none" } })),
      /^expected 2xx with a valid body or a 4xx; got 200: vllm response does not match the contract/,
      1,
    );
  });
  test("a 3xx fails", async () => {
    expectFail(await runCheck("input.empty_string", () => ({ status: 399, json: {} })), "expected 2xx with a valid body or a 4xx; got 399", 1);
  });
  test("a bad index or a dropped document fails", async () => {
    expectFail(
      await runCheck("input.empty_string", (s) => withResults(s, (r) => r.map((x: any) => ({ ...x, index: x.index + 5 })))),
      /is \d+, outside the 3 input documents/,
      1,
    );
    expectFail(await runCheck("input.empty_string", (s) => withResults(s, (r) => r.slice(1))), /^three documents, one empty: expected 3 results, got 2/, 1);
  });
});

describe("input.object_documents", () => {
  const objects = [{ text: "The capital of France is Paris." }, { text: "Horses and cows are both animals." }];
  test("source says whether the dialect accepts them; the request sends {text} objects", async () => {
    const refused = await runCheck("input.object_documents");
    expect(refused.outcome.status, refused.outcome.message).toBe("pass");
    expect(refused.outcome.source).toMatch(/^vLLM: object documents refused \(/);
    expect(refused.proxy.seen[0]!.body).toMatchObject({ query: "What is the capital of France?", documents: objects, model: SERVED_MODEL });
    const accepted = await runCheck("input.object_documents", undefined, { dialect: "jina" });
    expect(accepted.outcome.status, accepted.outcome.message).toBe("pass");
    expect(accepted.outcome.source).toMatch(/^Jina AI: object documents accepted \(/);
    expect(accepted.proxy.seen[0]!.body).toMatchObject({ documents: objects });
  });
  describe("where the dialect takes strings only (vLLM)", () => {
    test("a 500 fails", async () => {
      const run = await runCheck("input.object_documents", () => ({ status: 500, json: { error: { message: "boom" } } }));
      expectFail(run, /^answered 500/, 1);
      expect(run.outcome.evidence![0]!.label).toBe("{text} documents");
    });
    test("a correct 200 passes, a 200 with a document missing fails, a 200 off the dialect fails", async () => {
      const good = await runCheck("input.object_documents", (s) =>
        s.status === 400
          ? {
              status: 200,
              json: {
                id: "rerank-1",
                model: SERVED_MODEL,
                results: [
                  { index: 0, relevance_score: 0.9 },
                  { index: 1, relevance_score: 0.1 },
                ],
                usage: { total_tokens: 3 },
              },
            }
          : undefined,
      );
      expect(good.outcome.status, good.outcome.message).toBe("pass");
      expectFail(
        await runCheck("input.object_documents", () => ({
          status: 200,
          json: { id: "rerank-1", model: SERVED_MODEL, results: [{ index: 0, relevance_score: 0.9 }], usage: { total_tokens: 3 } },
        })),
        /^two \{text\} documents \(accepted\): expected 2 results, got 1/,
        1,
      );
      expectFail(
        await runCheck("input.object_documents", () => ({ status: 200, json: { results: 5 } })),
        /^accepted, but the 2xx body does not match the dialect: /,
        1,
      );
    });
    test.each([300, 399])("a %i fails", async (status) => {
      expectFail(
        await runCheck("input.object_documents", () => ({ status, json: {} })),
        `expected a 4xx (the dialect takes strings only) or a valid 2xx; got ${status}`,
        1,
      );
    });
  });
  describe("where the dialect accepts them (Jina)", () => {
    const jina = { dialect: "jina" } as const;
    test("a refusal fails", async () => {
      expectFail(await runCheck("input.object_documents", () => ({ status: 422, json: { detail: "strings only" } }), jina), /^expected 2xx; got 422/, 1);
      expectFail(await runCheck("input.object_documents", () => ({ status: 300, json: {} }), jina), /^expected 2xx; got 300/, 1);
      expectFail(await runCheck("input.object_documents", () => ({ status: 500, json: {} }), jina), /^answered 500/, 1);
    });
    test("a 2xx off the dialect or with a document missing fails", async () => {
      expectFail(
        await runCheck("input.object_documents", () => ({ status: 200, json: { results: 5 } }), jina),
        /^the 2xx body does not match the dialect: /,
        1,
      );
      expectFail(
        await runCheck("input.object_documents", (s) => withResults(s, (r) => r.slice(1)), jina),
        /^two \{text\} documents: expected 2 results, got 1/,
        1,
      );
    });
  });
});

describe("scores", () => {
  test("scores.finite names the request that failed", async () => {
    expectFail(
      await runCheck("scores.finite", () => ERROR_500),
      `${GRADED.documents.length} documents: a valid request was refused with status 500: Internal Server Error`,
      1,
    );
  });
  test("scores.range: asks three labelled sets; 0 and 1 are in range, below 0 is not", async () => {
    const edges = await runCheck("scores.range", (s) => withResults(s, (r) => r.map((x: any, i: number) => ({ ...x, relevance_score: i === 0 ? 1 : 0 }))));
    expect(edges.outcome.status, edges.outcome.message).toBe("pass");
    const sets = relevanceSets().slice(0, 3);
    expect(edges.proxy.seen.map((s) => s.body.query)).toEqual(sets.map((s) => s.query));
    const below = await runCheck("scores.range", (s) => withResults(s, (r) => r.map((x: any, i: number) => (i === 1 ? { ...x, relevance_score: -0.25 } : x))));
    expectFail(below, /^index \d+ scored -0\.25, outside \[0, 1\]$/, 1);
    expectFail(await runCheck("scores.range", () => ERROR_500), `${sets[0]!.id}: a valid request was refused with status 500: Internal Server Error`, 1);
  });
  test("scores.range is skipped where the dialect documents no range", async () => {
    const run = await runCheck("scores.range", undefined, { dialect: "jina" });
    expect(run.outcome).toMatchObject({ status: "skip", message: "Jina AI does not document a score range (any)" });
  });
  test("scores.probability: asked where any score kind is allowed; warns outside [0, 1]", async () => {
    const vllm = await runCheck("scores.probability");
    expect(vllm.outcome).toMatchObject({ status: "skip", message: "vLLM documents its score kind (probability); see scores.range" });
    const jina = { dialect: "jina" } as const;
    const edges = await runCheck(
      "scores.probability",
      (s) => withResults(s, (r) => r.map((x: any, i: number) => ({ ...x, relevance_score: i === 0 ? 1 : 0 }))),
      jina,
    );
    expect(edges.outcome.status, edges.outcome.message).toBe("pass");
    expect(edges.proxy.seen.map((s) => s.body.query)).toEqual(
      relevanceSets()
        .slice(0, 3)
        .map((s) => s.query),
    );
    for (const score of [-0.5, 1.5]) {
      const out = await runCheck(
        "scores.probability",
        (s) => withResults(s, (r) => r.map((x: any, i: number) => (i === 0 ? { ...x, relevance_score: score } : x))),
        jina,
      );
      expectFail(
        out,
        new RegExp(`^index \\d+ scored ${score}, outside \\[0, 1\\]: not a probability \\(fine for a bi-encoder or ColBERT model\\)$`),
        1,
        "warn",
      );
    }
    expectFail(await runCheck("scores.probability", () => ERROR_500, jina), /^[\w-]+: a valid request was refused with status 500/, 1, "warn");
  });
  describe("scores.vary", () => {
    const scored = (values: number[]) => (s: Seen) => withResults(s, (r) => r.map((x: any, i: number) => ({ ...x, relevance_score: values[i] ?? 0 })));
    test("sends four unrelated documents and names them on failure", async () => {
      const run = await runCheck("scores.vary", () => ERROR_500);
      expectFail(run, "four unrelated documents: a valid request was refused with status 500: Internal Server Error", 1);
      expect(run.proxy.seen[0]!.body.documents).toHaveLength(4);
      expect(new Set(run.proxy.seen[0]!.body.documents).size).toBe(4);
    });
    test("a spread at the tolerance (relative to the largest score) fails; one above it passes", async () => {
      expectFail(await runCheck("scores.vary", scored([1e-9, 0, 0, 0])), "all 4 documents scored 1e-9: the scores carry no ranking", 1);
      expectFail(
        await runCheck("scores.vary", scored([1000.0000005, 1000, 1000, 1000])),
        "all 4 documents scored 1000.0000005: the scores carry no ranking",
        1,
      );
      const above = await runCheck("scores.vary", scored([3e-9, 0, 0, 0]));
      expect(above.outcome.status, above.outcome.message).toBe("pass");
    });
    test("a single result cannot show equal scores", async () => {
      const run = await runCheck("scores.vary", (s) => withResults(s, (r) => r.slice(0, 1)));
      expect(run.outcome.status, run.outcome.message).toBe("pass");
    });
  });
});

describe("relevance", () => {
  test("a model known to rank at random skips both checks", async () => {
    for (const id of ["relevance.seed", "relevance.labelled"]) {
      const run = await runCheck(id, undefined, { randomRanking: "the embedded tiny model ranks at random" });
      expect(run.outcome).toMatchObject({ status: "skip", message: "the embedded tiny model ranks at random" });
      expect(run.proxy.seen).toHaveLength(0);
    }
  });
  test("relevance.seed: no results, a tie, a server error", async () => {
    const seed = seedSet();
    const none = await runCheck("relevance.seed", (s) => withResults(s, () => []));
    expectFail(none, `ranked index undefined (null) first; expected ${seed.relevant} (${JSON.stringify(seed.documents[seed.relevant])})`, 1);
    const tie = await runCheck("relevance.seed", (s) => withResults(s, (r) => r.map((x: any) => ({ ...x, relevance_score: 0.5 }))));
    expectFail(tie, /^the relevant document ties with index \d+ \(0\.5\)$/, 1);
    expectFail(await runCheck("relevance.seed", () => ERROR_500), "seed-france: a valid request was refused with status 500: Internal Server Error", 1);
    expect((await runCheck("relevance.seed")).proxy.seen[0]!.body).toMatchObject({ query: seed.query, documents: seed.documents });
  });
  test("relevance.labelled asks every labelled set once, and names the misses", async () => {
    const sets = relevanceSets();
    const ok = await runCheck("relevance.labelled");
    expect(ok.outcome.status, ok.outcome.message).toBe("pass");
    expect(ok.proxy.seen.map((s) => s.body.query).sort()).toEqual(sets.map((s) => s.query).sort());
    const reversed = await runCheck("relevance.labelled", (s) => withResults(s, (r) => [...r].reverse()));
    expect(reversed.outcome.status).toBe("warn");
    expect(reversed.outcome.message).toMatch(new RegExp(`^${sets.length} of ${sets.length} labelled sets rank another document first: `));
    const first = sets[0]!;
    expect(reversed.outcome.message).toContain(`${first.id} (ranked ${first.documents.length - 1} first, expected ${first.relevant})`);
    expect(reversed.outcome.message).toContain(`expected ${first.relevant}); ${sets[1]!.id} (ranked `);
    expect(reversed.outcome.evidence).toHaveLength(3);
    expect(reversed.outcome.evidence!.map((e) => e.label)).toEqual(sets.slice(0, 3).map((s) => s.id));
    const empty = await runCheck("relevance.labelled", (s) => withResults(s, () => []));
    expect(empty.outcome.message).toContain(`${first.id} (ranked undefined first, expected ${first.relevant})`);
  });
});

describe("usage", () => {
  const usage = (u: unknown) => (s: Seen) => (isRerank(s) ? { status: 200, json: { ...s.json, usage: u } } : undefined);
  test("usage.present: missing, zero, a server error", async () => {
    // Cohere's meta.billed_units is optional in its schema: the one dialect where usage can be absent.
    const bare = await runCheck(
      "usage.present",
      (s) => {
        const { meta: _m, ...rest } = s.json;
        return { status: 200, json: rest };
      },
      { dialect: "cohere-v2" },
    );
    expectFail(bare, "no usage in the response (the dialect reports search-units)", 1);
    expect((await runCheck("usage.present", undefined, { dialect: "cohere-v2" })).outcome.status).toBe("pass");
    expectFail(await runCheck("usage.present", usage({ prompt_tokens: 0, total_tokens: 0 })), "usage is 0; a request that scored documents used something", 1);
    expectFail(
      await runCheck("usage.present", () => ERROR_500),
      `${GRADED.documents.length} documents: a valid request was refused with status 500: Internal Server Error`,
      1,
    );
    expect((await runCheck("usage.present", usage({ total_tokens: 1 }))).outcome.status).toBe("pass");
  });
  test("usage.grows compares total tokens (not prompt tokens) and fails when usage does not grow", async () => {
    const small = (s: Seen) => s.body?.documents?.length === 1;
    const pass = await runCheck("usage.grows", (s) => ({
      status: 200,
      json: { ...s.json, usage: small(s) ? { prompt_tokens: 100, total_tokens: 10 } : { prompt_tokens: 50, total_tokens: 20 } },
    }));
    expect(pass.outcome.status, pass.outcome.message).toBe("pass");
    expect(pass.proxy.seen.map((s) => s.body.documents.length)).toEqual([1, 4]);
    for (const [a, b] of [
      [10, 10],
      [20, 10],
    ]) {
      const run = await runCheck("usage.grows", (s) => ({ status: 200, json: { ...s.json, usage: { total_tokens: small(s) ? a : b } } }));
      expectFail(run, `four long documents reported ${b} tokens, one short document ${a}`, 2, "warn");
    }
    expectFail(await runCheck("usage.grows", (s) => (small(s) ? ERROR_500 : undefined)), /^one short document: a valid request was refused/, 1, "warn");
    expectFail(await runCheck("usage.grows", (s) => (small(s) ? undefined : ERROR_500)), /^four long documents: a valid request was refused/, 1, "warn");
  });
});

describe("paths.aliases", () => {
  const onAlias = (f: (s: Seen) => Reply | undefined) => (s: Seen) => (s.path !== "/rerank" ? f(s) : undefined);
  test("source and skip reason", async () => {
    const run = await runCheck("paths.aliases");
    expect(run.outcome.status, run.outcome.message).toBe("pass");
    expect(run.outcome.source).toMatch(/^vLLM serves \/rerank, \/v1\/rerank, \/v2\/rerank \(.+\); vllm#14693, BerriAI\/litellm#14937$/);
    expect(run.proxy.seen.map((s) => s.path)).toEqual(["/rerank", "/v1/rerank", "/v2/rerank"]);
    expect((await runCheck("paths.aliases", undefined, { dialect: "jina" })).outcome).toMatchObject({
      status: "skip",
      message: "Jina AI documents one rerank path",
    });
  });
  test("the canonical path failing is named", async () => {
    expectFail(await runCheck("paths.aliases", (s) => (s.path === "/rerank" ? ERROR_500 : undefined)), /^\/rerank: a valid request was refused/, 1);
  });
  test("an alias that drops a document fails", async () => {
    expectFail(
      await runCheck(
        "paths.aliases",
        onAlias((s) => withResults(s, (r) => r.slice(1))),
      ),
      /^\/v1\/rerank vs \/rerank: expected \d+ results, got \d+/,
      2,
    );
  });
  test("an alias with the same scores in another order fails unless ties explain it", async () => {
    const reversed = await runCheck(
      "paths.aliases",
      onAlias((s) => withResults(s, (r) => [...r].reverse())),
    );
    const order = reversed.proxy.seen[0]!.json.results.map((x: any) => x.index);
    expectFail(reversed, `/v1/rerank ranks ${[...order].reverse().join(",")}; /rerank ranks ${order.join(",")}`, 2);
    const tied = (s: Seen) => withResults(s, (r) => r.map((x: any) => ({ ...x, relevance_score: 0.5 })));
    const ties = await runCheck("paths.aliases", (s) => (s.path === "/rerank" ? tied(s) : withResults(tied(s) as any, (r) => [...r].reverse())));
    expect(ties.outcome.status, ties.outcome.message).toBe("pass");
  });
  test("an alias with the same order but other scores fails", async () => {
    const run = await runCheck(
      "paths.aliases",
      onAlias((s) => withResults(s, (r) => r.map((x: any) => ({ ...x, relevance_score: x.relevance_score / 2 })))),
    );
    expectFail(run, /^\/v1\/rerank instead of \/rerank changed scores beyond the tolerance/, 2);
  });
});

describe("fuzz", () => {
  test("--fuzz 0 skips both checks without a request", async () => {
    for (const id of ["fuzz.positive", "fuzz.negative"]) {
      const run = await runCheck(id, undefined, { fuzz: 0 });
      expect(run.outcome).toMatchObject({ status: "skip", message: "--fuzz 0: no generated requests" });
      expect(run.proxy.seen).toHaveLength(0);
    }
  });

  describe("fuzz.positive", () => {
    test("generates valid requests: a word then arbitrary Unicode, query and documents always present", async () => {
      const run = await runCheck("fuzz.positive", undefined, { fuzz: 40 });
      expect(run.outcome.status, run.outcome.message).toBe("pass");
      const bodies = run.proxy.seen.map((s) => s.body);
      expect(bodies).toHaveLength(40);
      const texts = bodies.flatMap((b) => [b.query, ...b.documents]);
      for (const b of bodies) {
        expect(typeof b.query).toBe("string");
        expect(b.documents.length).toBeGreaterThanOrEqual(1);
        expect(b.documents.length).toBeLessThanOrEqual(8);
      }
      for (const t of texts) expect(t).toMatch(/^(capital|France|Paris|river|museum|energy|ocean|music|city|history) /u);
      // Graphemes, not just ASCII: the point is arbitrary printable Unicode.
      expect(texts.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);
      expect(bodies.some((b) => b.top_n !== undefined)).toBe(true);
      expect(bodies.some((b) => b.top_n === undefined)).toBe(true);
    });

    test("a server that errors on everything: stops after 5 problems with 4 requests in flight, names the status", async () => {
      const run = await runCheck("fuzz.positive", () => ERROR_500);
      // 4 workers: the fifth problem stops the one that found it; the other three finish their request.
      expect(run.proxy.seen).toHaveLength(8);
      expect(run.proxy.maxInFlight).toBeLessThanOrEqual(4);
      expectFail(run, `8+ of 20 valid requests failed: ${Array(8).fill("a valid request was refused with status 500: Internal Server Error").join("; ")}`, 3);
      for (const e of run.outcome.evidence!) expect(e.label).toBe("generated valid request");
    });

    test("a 2xx body off the dialect is named", async () => {
      const run = await runCheck("fuzz.positive", () => ({ status: 200, json: { results: 1 } }));
      expect(run.outcome.status).toBe("fail");
      expect(run.outcome.message).toMatch(/^8\+ of 20 valid requests failed: status 200: vllm response does not match the contract: /);
    });

    test("a dropped result is counted against top_n where sent, else every document", async () => {
      const run = await runCheck("fuzz.positive", (s) => withResults(s, (r) => r.slice(0, -1)));
      expect(run.outcome.status).toBe("fail");
      const problems = run.outcome.message!.replace(/^\d+\+? of 20 valid requests failed: /, "").split("; ");
      expect(problems.length).toBeGreaterThanOrEqual(5);
      const topNs = new Set<string>();
      for (const p of problems) {
        const m = /^(\d+) documents, top_n (\d+|absent): expected (\d+) results, got (\d+) /.exec(p);
        expect(m, p).not.toBeNull();
        const [, n, topN, expected, got] = m!;
        topNs.add(topN === "absent" ? "absent" : "set");
        expect(Number(expected)).toBe(topN === "absent" ? Number(n) : Math.min(Number(topN), Number(n)));
        expect(Number(got)).toBe(Number(expected) - 1);
      }
      expect([...topNs].sort()).toEqual(["absent", "set"]);
      expect(run.outcome.evidence).toHaveLength(3);
    });

    test("unsorted or out-of-range results are named", async () => {
      const reversed = await runCheck("fuzz.positive", (s) => withResults(s, (r) => r.map((x: any, i: number) => ({ ...x, relevance_score: i }))));
      expect(reversed.outcome.message).toMatch(/^\d+\+? of 20 valid requests failed: .*results are not sorted by score, descending/);
      const shifted = await runCheck("fuzz.positive", (s) => withResults(s, (r) => r.map((x: any) => ({ ...x, index: x.index + 100 }))));
      expect(shifted.outcome.message).toMatch(/^\d+\+? of 20 valid requests failed: results\[0\]\.index is \d+, outside the \d+ input documents/);
    });
  });

  describe("fuzz.negative", () => {
    const vllm = getDialect("vllm");
    test("sends only bodies the dialect's schema rejects: a field dropped, a field or the last document mistyped", async () => {
      const run = await runCheck("fuzz.negative", () => ({ status: 400, json: { error: { message: "bad" } } }), { fuzz: 60 });
      expect(run.outcome.status, run.outcome.message).toBe("pass");
      const bodies = run.proxy.seen.map((s) => s.body);
      expect(bodies).toHaveLength(60);
      for (const b of bodies) {
        expect(vllm.schemas.request.safeParse(b).success).toBe(false);
        expect(b.model).toBe(SERVED_MODEL);
        expect("query" in b || "documents" in b).toBe(true);
      }
      expect(bodies.some((b) => !("query" in b) && Array.isArray(b.documents))).toBe(true);
      expect(bodies.some((b) => "query" in b && typeof b.query !== "string" && Array.isArray(b.documents))).toBe(true);
      expect(
        bodies.some(
          (b) =>
            typeof b.query === "string" &&
            Array.isArray(b.documents) &&
            b.documents.length > 2 &&
            typeof b.documents.at(-1) !== "string" &&
            b.documents.slice(0, -1).every((d: unknown) => typeof d === "string"),
        ),
      ).toBe(true);
    });

    const LABEL = /^(without "\w+"|"\w+": .+|last document is .+)$/;
    test.each([
      [500, "server error 500: Internal Server Error"],
      [200, "accepted with 200"],
      [302, "accepted with 302"],
    ])("answered %i: named, with the request's label", async (status, what) => {
      const run = await runCheck("fuzz.negative", () => (status === 500 ? ERROR_500 : { status, json: {} }));
      expect(run.outcome.status).toBe("fail");
      expect(run.proxy.seen).toHaveLength(8);
      const m = /^8\+ of 20 invalid requests were not refused with a 4xx: (.*)$/.exec(run.outcome.message!);
      expect(m, run.outcome.message).not.toBeNull();
      const problems = m![1]!.split(/; (?=without|"|last document)/);
      expect(problems).toHaveLength(8);
      for (const p of problems) {
        expect(p.endsWith(`: ${what}`), p).toBe(true);
        expect(p.slice(0, -`: ${what}`.length)).toMatch(LABEL);
      }
      expect(run.outcome.evidence).toHaveLength(3);
      for (const e of run.outcome.evidence!) expect(e.label).toMatch(LABEL);
    });

    test("4xx of any kind passes, 499 included", async () => {
      const run = await runCheck("fuzz.negative", () => ({ status: 499, json: {} }));
      expect(run.outcome.status, run.outcome.message).toBe("pass");
    });
  });
});

describe("fuzz: a count under the cap has no '+', the cap itself has one", () => {
  test.each([
    ["fuzz.positive", "valid requests failed"],
    ["fuzz.negative", "invalid requests were not refused with a 4xx"],
  ])("%s", async (id, what) => {
    for (const [failing, shown] of [
      [1, "1"],
      [5, "5+"],
    ] as const) {
      let n = 0;
      const run = await runCheck(id, (s) => (++n <= failing ? ERROR_500 : s.status === 200 ? undefined : { status: 400, json: { error: { message: "bad" } } }));
      expect(run.outcome.status).toBe("fail");
      expect(run.outcome.message).toMatch(new RegExp(`^${shown.replace("+", "\\+")} of 20 ${what}: `));
      expect(run.outcome.evidence).toHaveLength(Math.min(failing, 3));
    }
  });
});
