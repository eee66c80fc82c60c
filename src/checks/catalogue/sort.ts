import { assertPermutationSubset, assertSortedDescending, fail } from "../assert.js";
import { relevanceSets } from "../data.js";
import type { CheckDefinition } from "../types.js";

/** Twelve documents from several labelled sets: enough to expose a server that does not sort. */
function mixedDocuments(): { query: string; documents: string[] } {
  const sets = relevanceSets();
  return { query: sets[0]!.query, documents: sets.slice(0, 4).flatMap((s) => s.documents) };
}

export const sortChecks: CheckDefinition[] = [
  {
    id: "sort.descending",
    area: "sort",
    level: "MUST",
    statement: "Results are sorted by score, highest first.",
    source: (d) => `${d.title} sorts by relevance, descending (${d.sources[0]})`,
    skipReason: () => null,
    async run(ctx) {
      const input = mixedDocuments();
      const r = await ctx.rerankOk(input, { label: `${input.documents.length} documents` });
      assertPermutationSubset(r.output, input.documents.length, [r.evidence]);
      assertSortedDescending(r.output, [r.evidence]);
    },
  },
  {
    id: "sort.ties",
    area: "sort",
    level: "SHOULD",
    statement: "Documents with exactly equal scores keep the dialect's documented tie order.",
    source: (d) =>
      d.expectations.ties === "input-order"
        ? `stable sort, descending: equal scores keep input order (${d.sources[0]})`
        : d.expectations.ties === "reverse-input-order"
          ? `ascending stable sort then reverse(): equal scores come out in reverse input order (${d.sources[0]})`
          : `${d.title} does not document the order of equal scores (${d.sources[0]})`,
    skipReason: (d) => (d.expectations.ties === "unspecified" ? `${d.title} does not specify the order of ties` : null),
    async run(ctx) {
      const same = "The capital of France is Paris.";
      const documents = ["Bananas are rich in potassium.", same, "Paris is a large city.", same, same];
      const r = await ctx.rerankOk({ query: "What is the capital of France?", documents }, { label: "three identical documents" });
      const dupes = r.output.results.filter((x) => documents[x.index] === same);
      // Only exactly equal scores are ties; float noise between duplicates is another check's business.
      if (dupes.length !== 3 || !dupes.every((x) => x.score === dupes[0]!.score)) return;
      const order = dupes.map((x) => x.index);
      const expected = ctx.dialect.expectations.ties === "input-order" ? [1, 3, 4] : [4, 3, 1];
      if (order.join() !== expected.join()) {
        fail(
          `identical documents at indices 1, 3, 4 tie; expected them in order ${expected.join(", ")} (${ctx.dialect.expectations.ties}), got ${order.join(", ")}`,
          [r.evidence],
        );
      }
    },
  },
];
