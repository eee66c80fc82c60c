import { assertCount, assertPermutationSubset, fail, isJsonContentType } from "../assert.js";
import { seedSet } from "../data.js";
import { refusal, type CheckContext } from "../context.js";
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
  if (!r.output) {
    const why = r.violation ? `status ${r.exchange.status}` : refusal(ctx.dialect, r.exchange);
    fail(`no valid answer to check (${why}; see schema.response)`, [r.evidence]);
  }
  return { output: r.output, evidence: r.evidence };
}

export const schemaChecks: CheckDefinition[] = [
  {
    id: "schema.response",
    area: "schema",
    level: "MUST",
    statement: "A valid request is answered 2xx with a body that matches the dialect's response schema.",
    source: (d) => `the ${d.title} response schema (src/contract/dialects/${d.name}.ts, from ${d.sources[0]})`,
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
    source: (d) => `${d.title} answers JSON (${d.sources[0]}); Schemathesis content_type_conformance`,
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
    source: (d) => `results[].index is the position in the input documents (${d.sources[0]})`,
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
    source: (d) => `without top_n every document is returned (${d.sources[0]})`,
    skipReason: always,
    async run(ctx) {
      const seed = seedSet();
      const r = await seedOutput(ctx);
      assertPermutationSubset(r.output, seed.documents.length, [r.evidence]);
      assertCount(r.output, seed.documents.length, `${seed.documents.length} documents, no top_n`, [r.evidence]);
    },
  },
];
