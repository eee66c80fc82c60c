import type { Dialect } from "../../contract/dialect.js";
import { fail, rawResults } from "../assert.js";
import type { CheckContext, RerankResult } from "../context.js";
import { ECHO_DOCUMENTS, GRADED } from "../data.js";
import type { CheckDefinition } from "../types.js";

type DocExpectation = NonNullable<Dialect["expectations"]["returnDocuments"]>;
const docs = (d: Dialect): DocExpectation => d.expectations.returnDocuments!;
const noDocs = (d: Dialect) => (d.expectations.returnDocuments === null ? `${d.title} never echoes documents` : null);
const notSwitchable = (d: Dialect) => noDocs(d) ?? (docs(d).switchable ? null : `${d.title} has no return_documents switch`);

/** "absent", "null", or "absent or null": how the dialect leaves an unrequested document out. */
function omittedAs(r: DocExpectation): string {
  return r.whenOmitted === "absent-or-null" ? "absent or null" : r.whenOmitted;
}

/** What the dialect echoes for an input: the text as sent, or stripped of surrounding whitespace. */
function echoOf(d: Dialect, input: string | undefined): string | undefined {
  return input !== undefined && d.expectations.returnDocuments?.echo === "stripped" ? input.trim() : input;
}

/** Every result echoes its input document (exactly, or stripped where the dialect strips). */
function assertEchoed(d: Dialect, r: RerankResult, documents: readonly string[], what: string): void {
  const output = r.output!;
  const stripped = d.expectations.returnDocuments?.echo === "stripped";
  for (const [pos, x] of output.results.entries()) {
    if (x.document === undefined) fail(`${what}: results[${pos}] (index ${x.index}) carries no document`, [r.evidence]);
    const expected = echoOf(d, documents[x.index]);
    if (x.document !== expected) {
      fail(
        `${what}: results[${pos}].document is ${JSON.stringify(x.document).slice(0, 120)}, expected the input text${stripped ? " stripped of surrounding whitespace" : ""} ${JSON.stringify(expected).slice(0, 120)}`,
        [r.evidence],
      );
    }
  }
}

/** No result carries the document: the field is absent or null as the dialect says. */
function assertOmitted(r: RerankResult, expect: DocExpectation, what: string): void {
  for (const [pos, raw] of rawResults(r.exchange.json).entries()) {
    const present = expect.field in raw;
    const value = raw[expect.field];
    if (present && value !== null)
      fail(`${what}: results[${pos}].${expect.field} is present (${JSON.stringify(value).slice(0, 80)}); it should be left out`, [r.evidence]);
    if (present && expect.whenOmitted === "absent") {
      fail(
        `${what}: results[${pos}].${expect.field} is null; the dialect leaves the field out (${expect.whenOmittedSource}), and strict clients reject null (xorbitsai/inference#2566, joonsoome/embed-rerank#11)`,
        [r.evidence],
      );
    }
    if (!present && expect.whenOmitted === "null")
      fail(`${what}: results[${pos}].${expect.field} is missing; the dialect sends null (${expect.whenOmittedSource})`, [r.evidence]);
  }
}

async function answer(ctx: CheckContext, returnDocuments: boolean | undefined, documents: string[] = GRADED.documents) {
  const label = returnDocuments === undefined ? "return_documents absent" : `return_documents=${returnDocuments}`;
  const r = await ctx.rerankOk({ query: GRADED.query, documents, returnDocuments }, { label });
  return { r, label };
}

export const documentChecks: CheckDefinition[] = [
  {
    id: "documents.default",
    area: "documents",
    level: "MUST",
    statement: "Without a return_documents switch in the request, documents are echoed or left out as the dialect's default says.",
    source: (d) => {
      const r = d.expectations.returnDocuments;
      if (!r) return `${d.title} never echoes documents (${d.sources[0]})`;
      return `${d.title}: return_documents default ${r.byDefault} (${d.sources[0]})${r.byDefault ? "" : `; left out as ${omittedAs(r)}: ${r.whenOmittedSource}`}; xorbitsai/inference#2566 (null where absent)`;
    },
    skipReason: noDocs,
    async run(ctx) {
      const { r, label } = await answer(ctx, undefined);
      const expect = docs(ctx.dialect);
      if (expect.byDefault) assertEchoed(ctx.dialect, r, GRADED.documents, label);
      else assertOmitted(r, expect, label);
    },
  },
  {
    id: "documents.requested",
    area: "documents",
    level: "MUST",
    statement: "return_documents=true echoes every result's document.",
    source: (d) => `${d.title} honours return_documents (${d.sources[0]})`,
    skipReason: notSwitchable,
    async run(ctx) {
      const { r, label } = await answer(ctx, true);
      assertEchoed(ctx.dialect, r, GRADED.documents, label);
    },
  },
  {
    id: "documents.omitted",
    area: "documents",
    level: "MUST",
    statement: "return_documents=false leaves the document out of every result (absent or null, per the dialect).",
    source: (d) => {
      const r = d.expectations.returnDocuments;
      if (!r) return `${d.title} never echoes documents (${d.sources[0]})`;
      return `${d.title}: ${r.field} ${omittedAs(r)} when not requested (${r.whenOmittedSource}); cohere-ai/notebooks#202, xorbitsai/inference#2566 (null where absent)`;
    },
    skipReason: notSwitchable,
    async run(ctx) {
      const { r, label } = await answer(ctx, false);
      assertOmitted(r, docs(ctx.dialect), label);
    },
  },
  {
    id: "documents.echo_exact",
    area: "documents",
    level: "MUST",
    statement:
      "An echoed document equals the input text exactly (quotes, newlines and emoji included), or, where the dialect strips whitespace, the input without leading and trailing whitespace.",
    source: (d) =>
      d.expectations.returnDocuments === null
        ? `${d.title} never echoes documents (${d.sources[0]})`
        : d.expectations.returnDocuments.echo === "stripped"
          ? `${d.title} strips leading/trailing whitespace before echoing (${d.sources[1] ?? d.sources[0]})`
          : `${d.title} echoes the input as sent (${d.sources[0]})`,
    skipReason: (d) => noDocs(d) ?? (!docs(d).switchable && !docs(d).byDefault ? `${d.title} never echoes documents` : null),
    async run(ctx) {
      const { r, label } = await answer(ctx, docs(ctx.dialect).switchable ? true : undefined, ECHO_DOCUMENTS);
      assertEchoed(ctx.dialect, r, ECHO_DOCUMENTS, label);
    },
  },
];
