import type { RerankOutput } from "../../contract/common.js";
import { assertSameScores, describeTolerance, differs, fail, LOOSE_TOLERANCE, scoresByIndex, shuffled, TIGHT_TOLERANCE } from "../assert.js";
import { refusal, type CheckContext, type RerankResult } from "../context.js";
import { relevanceSets } from "../data.js";
import type { CheckDefinition, Evidence } from "../types.js";

/** Seven distinct documents from the labelled sets. */
function documents(): { query: string; documents: string[] } {
  const sets = relevanceSets();
  const docs = [...new Set(sets.slice(1, 4).flatMap((s) => s.documents))].slice(0, 7);
  return { query: sets[1]!.query, documents: docs };
}

/** Other requests in flight around the observed one (invariance.concurrent). */
export const CONCURRENT_REQUESTS = 16;
/** The part of the ranking a client usually keeps. */
const TOP_K = 10;

/** Twelve distinct documents (so a top 10 is a real cut), and sixteen other labelled requests to send around them. */
function concurrentProbe(): { observed: { query: string; documents: string[] }; others: { id: string; query: string; documents: string[] }[] } {
  const sets = relevanceSets();
  const documents = [...new Set(sets.slice(0, 4).flatMap((s) => s.documents))].slice(0, 12);
  const others = Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => sets[(4 + i) % sets.length]!);
  return { observed: { query: sets[0]!.query, documents }, others: others.map((s, i) => ({ id: `${s.id}#${i}`, query: s.query, documents: s.documents })) };
}

/** Input indices by rank. */
const ranking = (output: RerankOutput) => output.results.map((r) => r.index);

/**
 * Pairs the two answers order differently, where one of them is in either top 10 and the
 * first answer does not tie them (ties may come out in either order).
 */
function topKInversions(a: RerankOutput, b: RerankOutput): [number, number][] {
  const posA = new Map(ranking(a).map((index, pos) => [index, pos]));
  const posB = new Map(ranking(b).map((index, pos) => [index, pos]));
  const scores = scoresByIndex(a);
  const top = new Set([...ranking(a).slice(0, TOP_K), ...ranking(b).slice(0, TOP_K)]);
  const out: [number, number][] = [];
  const all = [...posA.keys()];
  for (const x of top) {
    for (const y of all) {
      if (x === y || (top.has(y) && y < x)) continue;
      const before = (pos: Map<number, number>) => (pos.get(x) ?? Infinity) < (pos.get(y) ?? Infinity);
      if (before(posA) !== before(posB) && differs(scores.get(x)!, scores.get(y)!, TIGHT_TOLERANCE)) out.push([x, y]);
    }
  }
  return out;
}

/** Sends the request while `others` are in flight (half launched before it, half after); every failure is kept with its status and body. */
async function amongConcurrent(
  ctx: CheckContext,
  observed: { query: string; documents: string[] },
  others: { id: string; query: string; documents: string[] }[],
) {
  const send = (input: { query: string; documents: string[] }, label: string) => ctx.rerank(input, { label });
  const half = Math.floor(others.length / 2);
  const before = others.slice(0, half).map((o) => send(o, `concurrent request ${o.id}`));
  const middle = send(observed, `the same request among ${others.length} concurrent ones`);
  const after = others.slice(half).map((o) => send(o, `concurrent request ${o.id}`));
  const settled = await Promise.allSettled([middle, ...before, ...after]);
  const labels = [`the observed request`, ...others.slice(0, half).map((o) => o.id), ...others.slice(half).map((o) => o.id)];
  const problems: string[] = [];
  const evidence: Evidence[] = [];
  let observedAnswer: (RerankResult & { output: RerankOutput }) | undefined;
  for (const [i, s] of settled.entries()) {
    if (s.status === "rejected") {
      const err = s.reason as { message?: string; evidence?: Evidence[] };
      problems.push(`${labels[i]}: ${err.message ?? String(s.reason)}`);
      evidence.push(...(err.evidence ?? []));
      continue;
    }
    const r = s.value;
    if (r.output) {
      if (i === 0) observedAnswer = r as RerankResult & { output: RerankOutput };
      continue;
    }
    problems.push(`${labels[i]}: ${r.violation ? `not a valid answer: ${r.violation.message}` : refusal(ctx.dialect, r.exchange)}`);
    evidence.push(r.evidence);
  }
  return { observedAnswer, problems, evidence, sent: settled.length };
}

const tolerance = `a difference beyond float noise (${describeTolerance(TIGHT_TOLERANCE)}) warns; beyond what fp16/bf16 batching on a GPU explains (${describeTolerance(LOOSE_TOLERANCE)}) fails`;

export const invarianceChecks: CheckDefinition[] = [
  {
    id: "invariance.deterministic",
    area: "invariance",
    level: "MUST",
    exclusive: true,
    statement: `The same request twice gets the same scores (${tolerance}).`,
    source: "a reranker is a pure function of (query, document); vllm#14693 (intermittent answers)",
    skipReason: () => null,
    async run(ctx) {
      const input = documents();
      const a = await ctx.rerankOk(input, { label: "first" });
      const b = await ctx.rerankOk(input, { label: "second" });
      assertSameScores("the same request twice", scoresByIndex(a.output), scoresByIndex(b.output), [a.evidence, b.evidence]);
    },
  },
  {
    id: "invariance.permutation",
    area: "invariance",
    level: "MUST",
    exclusive: true,
    statement: `Shuffling the documents does not change any document's score (${tolerance}).`,
    source: "cross-encoders score each (query, document) pair independently (vllm docs/models/pooling_models/scoring.md)",
    skipReason: () => null,
    async run(ctx) {
      const input = documents();
      let order = shuffled(
        input.documents.map((_, i) => i),
        ctx.target.seed,
      );
      if (order.every((v, i) => v === i)) order = order.reverse();
      const a = await ctx.rerankOk(input, { label: "original order" });
      const b = await ctx.rerankOk({ ...input, documents: order.map((i) => input.documents[i]!) }, { label: `shuffled: ${order.join(",")}` });
      // b's index j is the original document order[j]
      const mapped = new Map(b.output.results.map((x) => [order[x.index]!, x.score]));
      assertSameScores("shuffling the documents", scoresByIndex(a.output), mapped, [a.evidence, b.evidence]);
    },
  },
  {
    id: "invariance.batch",
    area: "invariance",
    level: "MUST",
    exclusive: true,
    statement: `A document sent alone scores as it does among others (${tolerance}).`,
    source: "cross-encoders score each pair independently; batching must not leak between documents",
    skipReason: () => null,
    async run(ctx) {
      const input = documents();
      const all = await ctx.rerankOk(input, { label: `${input.documents.length} documents` });
      const picks = [0, 3, input.documents.length - 1];
      // One at a time: requests in flight together could be batched together, which is what invariance.concurrent measures.
      const alone = [];
      for (const i of picks) alone.push(await ctx.rerankOk({ query: input.query, documents: [input.documents[i]!] }, { label: `document ${i} alone` }));
      const single = new Map<number, number>();
      for (const [k, r] of alone.entries()) {
        const score = r.output.results[0]?.score;
        if (score === undefined) fail(`document ${picks[k]} alone got no result`, [r.evidence]);
        single.set(picks[k]!, score);
      }
      const among = new Map([...scoresByIndex(all.output)].filter(([i]) => single.has(i)));
      assertSameScores("scoring a document alone instead of in a batch", among, single, [all.evidence, ...alone.map((r) => r.evidence)]);
    },
  },
  {
    id: "invariance.duplicates",
    area: "invariance",
    level: "MUST",
    exclusive: true,
    statement: `Identical documents in one request get the same score (${tolerance}).`,
    source: "scores depend on (query, document) only; TEI's tie test uses duplicate texts (router/tests/test_http_rerank.rs)",
    skipReason: () => null,
    async run(ctx) {
      const same = "The capital of France is Paris.";
      const docs = [same, "Bananas are rich in potassium.", same, "Paris has many museums.", same];
      const r = await ctx.rerankOk({ query: "What is the capital of France?", documents: docs }, { label: "identical documents at 0, 2, 4" });
      const scores = scoresByIndex(r.output);
      const first = new Map([[0, scores.get(0)!]]);
      for (const i of [2, 4]) {
        if (!scores.has(i) || !scores.has(0)) fail(`document ${i} or 0 is missing from the results`, [r.evidence]);
        // "document 0 scored A and then B" reads as: the copy at index i scored B.
        assertSameScores(`a copy of document 0 at index ${i}`, first, new Map([[0, scores.get(i)!]]), [r.evidence]);
      }
    },
  },
  {
    id: "invariance.concurrent",
    area: "invariance",
    level: "MUST",
    exclusive: true,
    statement: `A request sent alone and then among ${CONCURRENT_REQUESTS} concurrent different requests gets the same scores (${tolerance}) and the same top-${TOP_K} order; every one of the concurrent valid requests is answered.`,
    source:
      "servers batch concurrent requests together, and in bf16 the batch changes scores: the top 10 changed for 51 of 1,848 queries (NVIDIA/NeMo-Retriever#2439), 19 of 200 sets ordered differently from sentence-transformers (vllm#11568); valid requests refused under concurrency (vllm#14693)",
    skipReason: () => null,
    async run(ctx) {
      const { observed, others } = concurrentProbe();
      const alone = await ctx.rerankOk(observed, { label: "the request alone" });
      const among = await amongConcurrent(ctx, observed, others);
      if (among.problems.length > 0) {
        fail(
          `${among.problems.length} of ${among.sent} valid requests sent concurrently failed: ${among.problems.slice(0, 5).join("; ")}${among.problems.length > 5 ? "; …" : ""}`,
          among.evidence.slice(0, 5),
        );
      }
      const b = among.observedAnswer!;
      const evidence = [alone.evidence, b.evidence];
      const swapped = topKInversions(alone.output, b.output);
      if (swapped.length > 0) {
        const [x, y] = swapped[0]!;
        fail(
          `among concurrent requests the top ${TOP_K} changed order: ${ranking(alone.output).slice(0, TOP_K).join(",")} alone, ${ranking(b.output).slice(0, TOP_K).join(",")} among others (documents ${x} and ${y} swapped; ${swapped.length} pair(s) in all)`,
          evidence,
        );
      }
      assertSameScores(`sending the request among ${CONCURRENT_REQUESTS} concurrent others`, scoresByIndex(alone.output), scoresByIndex(b.output), evidence);
    },
  },
];
