// @ts-nocheck
import type { RerankOutput } from "../../contract/common.js";
import { fail } from "../assert.js";
import { GRADED } from "../data.js";
import type { CheckDefinition } from "../types.js";

function reported(output: RerankOutput): number | undefined {
  const u = output.usage;
  return u?.totalTokens ?? u?.promptTokens ?? u?.searchUnits;
}

export const usageChecks: CheckDefinition[] = [
  {
    id: "usage.present",
    area: "usage",
    level: "MUST",
    statement: "The response reports usage (tokens or search units) where the dialect documents it, as a positive number.",
    source: (d) => `${d.title}: usage in ${d.expectations.usage} (CONTRACTS.md §8 'Usage' row)`,
    skipReason: (d) => (d.expectations.usage === "none" ? `${d.title} reports no usage in the body` : null),
    async run(ctx) {
      const r = await ctx.rerankOk(GRADED, { label: `${GRADED.documents.length} documents` });
      const n = reported(r.output);
      if (n === undefined) fail(`no usage in the response (the dialect reports ${ctx.dialect.expectations.usage})`, [r.evidence]);
      if (!(n > 0)) fail(`usage is ${n}; a request that scored documents used something`, [r.evidence]);
    },
  },
  {
    id: "usage.grows",
    area: "usage",
    level: "SHOULD",
    statement: "Token usage grows with the input: more and longer documents report more tokens.",
    source: "usage.prompt_tokens counts the scored pairs (llama.cpp test_rerank: exact count; vLLM max_tokens_per_doc test)",
    skipReason: (d) => (d.expectations.usage === "tokens" ? null : `${d.title} does not report tokens`),
    async run(ctx) {
      const query = GRADED.query;
      const small = await ctx.rerankOk({ query, documents: ["Paris."] }, { label: "one short document" });
      const long = "Paris is the capital and most populous city of France, on the river Seine, known for its museums, cafes and monuments.";
      const big = await ctx.rerankOk({ query, documents: [long, long, long, long] }, { label: "four long documents" });
      const a = reported(small.output);
      const b = reported(big.output);
      if (a === undefined || b === undefined) fail("usage missing (see usage.present)", [small.evidence, big.evidence]);
      if (!(b > a)) fail(`four long documents reported ${b} tokens, one short document ${a}`, [small.evidence, big.evidence]);
    },
  },
];
