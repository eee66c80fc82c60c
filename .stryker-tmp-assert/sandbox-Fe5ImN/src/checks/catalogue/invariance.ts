// @ts-nocheck
import { assertSameScores, fail, scoresByIndex, shuffled } from "../assert.js";
import { relevanceSets } from "../data.js";
import type { CheckDefinition } from "../types.js";

/** Seven distinct documents from the labelled sets. */
function documents(): { query: string; documents: string[] } {
  const sets = relevanceSets();
  const docs = [...new Set(sets.slice(1, 4).flatMap((s) => s.documents))].slice(0, 7);
  return { query: sets[1]!.query, documents: docs };
}

const tolerance = "a difference over 1e-5 warns; over 1e-2 relative, more than fp16/bf16 batching noise on a GPU explains, fails";

export const invarianceChecks: CheckDefinition[] = [
  {
    id: "invariance.deterministic",
    area: "invariance",
    level: "MUST",
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
    statement: `Shuffling the documents does not change any document's score (${tolerance}).`,
    source: "cross-encoders score each (query, document) pair independently (CONTRACTS.md §1 scoring)",
    skipReason: () => null,
    async run(ctx) {
      const input = documents();
      let order = shuffled(input.documents.map((_, i) => i), ctx.target.seed);
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
    statement: `A document sent alone scores as it does among others (${tolerance}).`,
    source: "cross-encoders score each pair independently; batching must not leak between documents",
    skipReason: () => null,
    async run(ctx) {
      const input = documents();
      const all = await ctx.rerankOk(input, { label: `${input.documents.length} documents` });
      const picks = [0, 3, input.documents.length - 1];
      const alone = await Promise.all(picks.map((i) => ctx.rerankOk({ query: input.query, documents: [input.documents[i]!] }, { label: `document ${i} alone` })));
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
];
