// @ts-nocheck
import { assertCount, assertPermutationSubset, fail, isJsonContentType } from "../assert.js";
import { seedSet } from "../data.js";
import type { CheckContext } from "../context.js";
import type { CheckDefinition } from "../types.js";

const always = () => null;

/** The seed request every schema check looks at (one request per suite file). */
export function seedAnswer(ctx: CheckContext) {
  const seed = seedSet();
  return ctx.memo("seed", () => ctx.rerank({ query: seed.query, documents: seed.documents }, { label: "seed request" }));
}

/** The seed answer's normalised body; its absence is schema.response's failure, not theirs. */
async function seedOutput(ctx: CheckContext) {
  const r = await seedAnswer(ctx);
  if (!r.output) fail(`no valid answer to check (status ${r.exchange.status}; see schema.response)`, [r.evidence]);
  return { output: r.output, evidence: r.evidence };
}

export const schemaChecks: CheckDefinition[] = [
  {
    id: "schema.response",
    area: "schema",
    level: "MUST",
    statement: "A valid request is answered 2xx with a body that matches the dialect's response schema.",
    source: (d) => `CONTRACTS.md ${d.title} response table (src/contract/dialects/${d.name}.ts)`,
    skipReason: always,
    async run(ctx) {
      const seed = seedSet();
      const r = ctx.requireOk(await seedAnswer(ctx), "seed request");
      assertPermutationSubset(r.output, seed.documents.length, [r.evidence]);
    },
  },
  {
    id: "schema.content_type",
    area: "schema",
    level: "MUST",
    statement: "A success response declares Content-Type application/json (Schemathesis content_type_conformance).",
    source: "every API in CONTRACTS.md answers JSON; ANCHORS.md §4.1",
    skipReason: always,
    async run(ctx) {
      const r = await seedAnswer(ctx);
      if (!isJsonContentType(r.exchange)) {
        fail(`Content-Type is ${JSON.stringify(r.exchange.headers["content-type"] ?? null)}, expected application/json`, [r.evidence]);
      }
    },
  },
  {
    id: "schema.indices",
    area: "schema",
    level: "MUST",
    statement: "`results` is a permutation subset of the input indices: integers in range, no duplicates.",
    source: "results[].index is the position in the input documents (all APIs, CONTRACTS.md §8)",
    skipReason: always,
    async run(ctx) {
      const seed = seedSet();
      const r = await seedOutput(ctx);
      assertPermutationSubset(r.output, seed.documents.length, [r.evidence]);
    },
  },
  {
    id: "schema.complete",
    area: "schema",
    level: "MUST",
    statement: "Without top_n, every input document is scored exactly once.",
    source: "top_n absent returns all results (CONTRACTS.md §8 top_n row); TEI has no top_n",
    skipReason: always,
    async run(ctx) {
      const seed = seedSet();
      const r = await seedOutput(ctx);
      assertPermutationSubset(r.output, seed.documents.length, [r.evidence]);
      assertCount(r.output, seed.documents.length, `${seed.documents.length} documents, no top_n`, [r.evidence]);
    },
  },
];
