import fc from "fast-check";
import type { RerankInput } from "../../contract/common.js";
import type { Dialect } from "../../contract/dialect.js";
import { assertCount, assertPermutationSubset, assertSortedDescending, keyHolding } from "../assert.js";
import { errorSummary, refusal, type CheckContext } from "../context.js";
import { evidenceOf } from "../evidence.js";
import { CheckFailure, CheckSkip, type CheckDefinition, type Evidence } from "../types.js";

/** Requests in flight at once while fuzzing. */
const CONCURRENCY = 4;
const WORDS = ["capital", "France", "Paris", "river", "museum", "energy", "ocean", "music", "city", "history"];

/** A readable word followed by arbitrary printable Unicode, so no string is blank. */
const text = (max: number) => fc.tuple(fc.constantFrom(...WORDS), fc.string({ unit: "grapheme", maxLength: max })).map(([w, s]) => `${w} ${s}`);

/** Valid common inputs, within every dialect's documented limits. */
function positiveInputs(dialect: Dialect): fc.Arbitrary<Omit<RerankInput, "model">> {
  return fc.record(
    {
      query: text(20),
      // Short: well inside any context limit, even one counted in UTF-8 bytes.
      documents: fc.array(text(50), { minLength: 1, maxLength: 8 }),
      topN: dialect.expectations.topN ? fc.integer({ min: 1, max: 10 }) : fc.constant(undefined),
      returnDocuments: dialect.expectations.returnDocuments?.switchable ? fc.boolean() : fc.constant(undefined),
    },
    { requiredKeys: ["query", "documents"] },
  );
}

/** Values of the wrong JSON type for almost any field. */
const WRONG_VALUES: unknown[] = [null, 12345, -7, 1.5, true, "not-a-valid-value", [], {}, [123], [null], [[]], [{}], { nested: 1 }];

interface Mutant {
  label: string;
  body: Record<string, unknown>;
}

/**
 * Schema-violating variants of a valid body: a required field dropped, or a required field
 * (or one document) of the wrong type. Only variants the dialect's zod request schema
 * rejects are kept, so "invalid" means invalid by the contract, not by guesswork.
 */
function mutants(dialect: Dialect, body: Record<string, unknown>, documentsKey: string): Mutant[] {
  const rejects = (b: unknown) => !dialect.schemas.request.safeParse(b).success;
  const out: Mutant[] = [];
  for (const key of Object.keys(body)) {
    const { [key]: _dropped, ...rest } = body;
    const required = rejects(rest);
    if (required) out.push({ label: `without "${key}"`, body: rest });
    if (!required && key !== documentsKey) continue; // optional fields: servers may coerce ("3" → 3)
    for (const value of WRONG_VALUES) {
      const b = { ...body, [key]: value };
      if (rejects(b)) out.push({ label: `"${key}": ${JSON.stringify(value)}`, body: b });
    }
  }
  const docs = body[documentsKey] as unknown[];
  for (const value of WRONG_VALUES) {
    const b = { ...body, [documentsKey]: [...docs.slice(0, -1), value] };
    if (rejects(b)) out.push({ label: `last document is ${JSON.stringify(value)}`, body: b });
  }
  return out;
}

/** Runs `jobs` with bounded concurrency; stops early after `maxProblems`. */
async function pool<T>(items: T[], job: (item: T) => Promise<string | null>, problems: string[], maxProblems = 5): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && problems.length < maxProblems) {
      const item = items[next++]!;
      const problem = await job(item);
      if (problem) problems.push(problem);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

function samples<T>(arb: fc.Arbitrary<T>, ctx: CheckContext, salt: number): T[] {
  return fc.sample(arb, { seed: ctx.target.seed + salt, numRuns: ctx.target.fuzz });
}

export const fuzzChecks: CheckDefinition[] = [
  {
    id: "fuzz.positive",
    area: "fuzz",
    level: "MUST",
    statement:
      "Generated valid requests (seeded, --fuzz N of them) are all accepted with a valid, sorted, complete body (Schemathesis positive_data_acceptance).",
    source: (d) => `the ${d.title} request schema (src/contract/dialects/${d.name}.ts, from ${d.sources[0]}); Schemathesis docs/reference/checks.md v4.25.0`,
    skipReason: () => null,
    async run(ctx) {
      if (ctx.target.fuzz <= 0) throw new CheckSkip("--fuzz 0: no generated requests");
      const inputs = samples(positiveInputs(ctx.dialect), ctx, 1);
      const problems: string[] = [];
      const evidence: Evidence[] = [];
      await pool(
        inputs,
        async (input) => {
          const n = input.documents.length;
          const r = await ctx.rerank(input, { label: "generated valid request" });
          const fault = (msg: string) => {
            evidence.push(r.evidence);
            return msg;
          };
          if (!r.output) return fault(r.violation ? `status ${r.exchange.status}: ${r.violation.message}` : refusal(ctx.dialect, r.exchange));
          try {
            assertPermutationSubset(r.output, n, []);
            assertCount(r.output, input.topN !== undefined ? Math.min(input.topN, n) : n, `${n} documents, top_n ${input.topN ?? "absent"}`, []);
            assertSortedDescending(r.output, []);
          } catch (err) {
            return fault((err as Error).message);
          }
          return null;
        },
        problems,
      );
      if (problems.length > 0)
        throw new CheckFailure(
          `${problems.length}${problems.length >= 5 ? "+" : ""} of ${inputs.length} valid requests failed: ${problems.join("; ")}`,
          evidence.slice(0, 3),
        );
    },
  },
  {
    id: "fuzz.negative",
    area: "fuzz",
    level: "MUST",
    statement:
      "Generated schema-violating requests (seeded, --fuzz N of them) are refused with a 4xx, never accepted or answered with a 5xx (Schemathesis negative_data_rejection, not_a_server_error).",
    source: (d) => `the ${d.title} request schema (src/contract/dialects/${d.name}.ts, from ${d.sources[0]}); Schemathesis docs/reference/checks.md v4.25.0`,
    skipReason: () => null,
    async run(ctx) {
      if (ctx.target.fuzz <= 0) throw new CheckSkip("--fuzz 0: no generated requests");
      const arb = positiveInputs(ctx.dialect).chain((input) => {
        const full = { ...input, ...(ctx.model ? { model: ctx.model } : {}) };
        const built = ctx.dialect.buildRequest(full);
        const list = mutants(ctx.dialect, built.body, keyHolding(built.body, full.documents));
        return fc.constantFrom(...list).map((m) => ({ ...m, path: built.path }));
      });
      const requests = samples(arb, ctx, 2);
      const problems: string[] = [];
      const evidence: Evidence[] = [];
      await pool(
        requests,
        async (m) => {
          const ex = await ctx.send({ method: "POST", path: m.path, json: m.body }, m.label);
          if (ex.status >= 400 && ex.status < 500) return null;
          evidence.push(evidenceOf(ex, m.label));
          return ex.status >= 500 ? `${m.label}: server error ${ex.status}${errorSummary(ctx.dialect, ex)}` : `${m.label}: accepted with ${ex.status}`;
        },
        problems,
      );
      if (problems.length > 0)
        throw new CheckFailure(
          `${problems.length}${problems.length >= 5 ? "+" : ""} of ${requests.length} invalid requests were not refused with a 4xx: ${problems.join("; ")}`,
          evidence.slice(0, 3),
        );
    },
  },
];
