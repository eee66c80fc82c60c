import { assertCount, assertPermutationSubset, fail, keyHolding } from "../assert.js";
import { errorSummary } from "../context.js";
import { evidenceOf } from "../evidence.js";
import { UNICODE_DOCUMENTS } from "../data.js";
import { CheckFailure, type CheckDefinition } from "../types.js";

export const inputChecks: CheckDefinition[] = [
  {
    id: "input.unicode",
    area: "input",
    level: "MUST",
    statement: "Documents in other scripts, with emoji, ZWJ sequences and combining marks are scored, and echoed exactly where echoed.",
    source: (d) => `documents are arbitrary UTF-8 strings (${d.sources[0]})`,
    skipReason: () => null,
    async run(ctx) {
      const docs = UNICODE_DOCUMENTS;
      const r = await ctx.rerankOk({ query: "Welche Stadt ist die Hauptstadt? 首都 🏙️", documents: docs }, { label: "unicode documents" });
      assertPermutationSubset(r.output, docs.length, [r.evidence]);
      assertCount(r.output, docs.length, "unicode documents", [r.evidence]);
      for (const x of r.output.results) {
        const sent = docs[x.index];
        const expected = ctx.dialect.expectations.returnDocuments?.echo === "stripped" ? sent?.trim() : sent;
        if (x.document !== undefined && x.document !== expected) {
          fail(`document ${x.index} came back as ${JSON.stringify(x.document)}, not ${JSON.stringify(docs[x.index])}`, [r.evidence]);
        }
      }
    },
  },
  {
    id: "input.empty_string",
    area: "input",
    level: "MUST",
    statement: "An empty-string document among others is either scored (2xx, every document ranked) or refused with a 4xx, never a 5xx.",
    source: "Schemathesis not_a_server_error (schemathesis docs/reference/checks.md, v4.25.0); empty strings are valid JSON strings in every schema",
    skipReason: () => null,
    async run(ctx) {
      const docs = ["The capital of France is Paris.", "", "Horses and cows are both animals."];
      const r = await ctx.rerank({ query: "What is the capital of France?", documents: docs }, { label: "an empty-string document" });
      const status = r.exchange.status;
      if (status >= 400 && status < 500) return;
      if (status >= 500) fail(`answered ${status}${errorSummary(ctx.dialect, r.exchange)}`, [r.evidence]);
      if (!r.output) fail(`expected 2xx with a valid body or a 4xx; got ${status}${r.violation ? `: ${r.violation.message}` : ""}`, [r.evidence]);
      assertPermutationSubset(r.output, docs.length, [r.evidence]);
      assertCount(r.output, docs.length, "three documents, one empty", [r.evidence]);
    },
  },
  {
    id: "input.object_documents",
    area: "input",
    level: "MUST",
    statement:
      'Documents given as {"text": …} objects are accepted where the dialect allows them; where it does not, they are refused with a 4xx or answered correctly, never with a 5xx.',
    source: (d) => `${d.title}: object documents ${d.expectations.objectDocuments ? "accepted" : "refused"} (${d.sources[0]})`,
    skipReason: () => null,
    async run(ctx) {
      const docs = ["The capital of France is Paris.", "Horses and cows are both animals."];
      const built = ctx.dialect.buildRequest({ query: "What is the capital of France?", documents: docs, ...(ctx.model ? { model: ctx.model } : {}) });
      const body = { ...built.body, [keyHolding(built.body, docs)]: docs.map((text) => ({ text })) };
      const ex = await ctx.send({ method: "POST", path: built.path, json: body }, "{text} documents");
      const ev = [evidenceOf(ex, "{text} documents")];
      if (ex.status >= 500) fail(`answered ${ex.status}${errorSummary(ctx.dialect, ex)}`, ev);
      if (ctx.dialect.expectations.objectDocuments) {
        if (ex.status < 200 || ex.status >= 300) fail(`expected 2xx; got ${ex.status}${errorSummary(ctx.dialect, ex)}`, ev);
        let output;
        try {
          output = ctx.dialect.normalise(ex.json);
        } catch (err) {
          fail(`the 2xx body does not match the dialect: ${(err as Error).message}`, ev);
        }
        assertCount(output, docs.length, "two {text} documents", ev);
      } else if (ex.status >= 200 && ex.status < 300) {
        // Accepting more than the contract is harmless; answering it wrongly is not.
        try {
          assertCount(ctx.dialect.normalise(ex.json), docs.length, "two {text} documents (accepted)", ev);
        } catch (err) {
          if (err instanceof CheckFailure) throw err;
          fail(`accepted, but the 2xx body does not match the dialect: ${(err as Error).message}`, ev);
        }
      } else if (ex.status < 400) {
        fail(`expected a 4xx (the dialect takes strings only) or a valid 2xx; got ${ex.status}`, ev);
      }
    },
  },
];
