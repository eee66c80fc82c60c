import type { Dialect, TopNRule } from "../../contract/dialect.js";
import { assertCount, assertPermutationSubset, assertSortedDescending, differs, fail, LOOSE_TOLERANCE, scoresByIndex } from "../assert.js";
import type { CheckContext } from "../context.js";
import { errorSummary } from "../context.js";
import { GRADED } from "../data.js";
import type { CheckDefinition } from "../types.js";

const N = GRADED.documents.length;
const noTopN = (d: Dialect) => (d.expectations.topN === null ? `${d.title} has no top_n` : null);

/** The full ranking, to compare truncated answers against. */
function fullAnswer(ctx: CheckContext) {
  return ctx.memo("graded-full", () => ctx.rerankOk(GRADED, { label: `${N} documents, no top_n` }));
}

/** Sends top_n = k and checks the answer has `expected` results, the highest-scoring ones. */
async function expectTopN(ctx: CheckContext, k: number, expected: number): Promise<void> {
  const r = await ctx.rerankOk({ ...GRADED, topN: k }, { label: `top_n=${k} of ${N} documents` });
  const ev = [r.evidence];
  assertPermutationSubset(r.output, N, ev);
  assertCount(r.output, expected, `top_n=${k} of ${N} documents`, ev);
  assertSortedDescending(r.output, ev);
  if (expected >= N) return;
  // The kept results must be the best ones: none of the dropped documents may outscore them.
  const full = await fullAnswer(ctx);
  const all = scoresByIndex(full.output);
  const kept = new Set(r.output.results.map((x) => x.index));
  const lowestKept = Math.min(...r.output.results.map((x) => all.get(x.index) ?? Infinity));
  for (const [index, score] of all) {
    if (!kept.has(index) && score > lowestKept && differs(score, lowestKept, LOOSE_TOLERANCE)) {
      fail(`top_n=${k} dropped document ${index} (score ${score}) but kept one scoring ${lowestKept}`, [...ev, full.evidence]);
    }
  }
}

/** Checks an out-of-range top_n against the dialect's rule. */
async function expectRule(ctx: CheckContext, k: number, rule: TopNRule): Promise<void> {
  const r = await ctx.rerank({ ...GRADED, topN: k }, { label: `top_n=${k}` });
  const status = r.exchange.status;
  const refused = status >= 400 && status < 500;
  const ev = [r.evidence];
  if (status >= 500) fail(`top_n=${k} was answered ${status}${errorSummary(ctx.dialect, r.exchange)}; a server error is never right`, ev);
  const accepts = rule === "all" || rule === "empty" || rule === "all-or-rejected";
  const rejects = rule === "rejected" || rule === "all-or-rejected";
  if (refused) {
    if (!rejects)
      fail(
        `top_n=${k} was refused (${status}${errorSummary(ctx.dialect, r.exchange)}); the dialect answers ${rule === "empty" ? "with no results" : "with all results"}`,
        ev,
      );
    return;
  }
  if (!r.output) fail(`top_n=${k}: expected ${rule}; got status ${status}${r.violation ? ` (${r.violation.message})` : ""}`, ev);
  if (!accepts) fail(`top_n=${k} was accepted (${status} with ${r.output.results.length} results); the dialect refuses it with a 4xx`, ev);
  assertCount(r.output, rule === "empty" ? 0 : N, `top_n=${k} (${rule})`, ev);
}

export const topNChecks: CheckDefinition[] = [
  {
    id: "top_n.truncates",
    area: "top_n",
    level: "MUST",
    statement: "top_n smaller than the number of documents returns exactly top_n results, the highest-scoring ones.",
    source: (d) => `${d.title} top_n (${d.sources[0]}); vLLM test_online_rerank: top_n=2 of 3 → 2 results`,
    skipReason: noTopN,
    run: (ctx) => expectTopN(ctx, 2, 2),
  },
  {
    id: "top_n.single",
    area: "top_n",
    level: "MUST",
    statement: "top_n = 1 returns only the best document.",
    source: (d) => `${d.title} top_n (${d.sources[0]})`,
    skipReason: noTopN,
    run: (ctx) => expectTopN(ctx, 1, 1),
  },
  {
    id: "top_n.exact",
    area: "top_n",
    level: "MUST",
    statement: "top_n equal to the number of documents returns them all.",
    source: (d) => `${d.title} top_n (${d.sources[0]})`,
    skipReason: noTopN,
    run: (ctx) => expectTopN(ctx, N, N),
  },
  {
    id: "top_n.over",
    area: "top_n",
    level: "MUST",
    statement: "top_n larger than the number of documents returns all of them, not an error.",
    source: (d) => `${d.title}: top_n over the number of documents returns all (${d.sources[0]}); llama.cpp test_rerank: top_n 99 of 4 → 4`,
    skipReason: noTopN,
    run: (ctx) => expectTopN(ctx, N + 3, N),
  },
  {
    id: "top_n.absent",
    area: "top_n",
    level: "MUST",
    statement: "Without top_n, all documents are returned.",
    source: (d) => `${d.title}: top_n default is all (${d.sources[0]})`,
    skipReason: noTopN,
    async run(ctx) {
      const r = await fullAnswer(ctx);
      assertPermutationSubset(r.output, N, [r.evidence]);
      assertCount(r.output, N, `${N} documents, no top_n`, [r.evidence]);
    },
  },
  {
    id: "top_n.zero",
    area: "top_n",
    level: "MUST",
    statement: "top_n = 0 follows the dialect's rule (all results, no results, or a 4xx), never a 5xx.",
    source: (d) => `${d.title}: top_n=0 → ${d.expectations.topN?.zero ?? "no top_n in this API"} (${d.sources[0]})`,
    skipReason: (d) => noTopN(d) ?? (d.expectations.topN?.zero === "unspecified" ? `${d.title} does not specify top_n=0` : null),
    run: (ctx) => expectRule(ctx, 0, ctx.dialect.expectations.topN!.zero),
  },
  {
    id: "top_n.negative",
    area: "top_n",
    level: "MUST",
    statement: "A negative top_n follows the dialect's rule (all results or a 4xx), never a 5xx.",
    source: (d) => `${d.title}: top_n=-1 → ${d.expectations.topN?.negative ?? "no top_n in this API"} (${d.sources[0]})`,
    skipReason: (d) => noTopN(d) ?? (d.expectations.topN?.negative === "unspecified" ? `${d.title} does not specify a negative top_n` : null),
    run: (ctx) => expectRule(ctx, -1, ctx.dialect.expectations.topN!.negative),
  },
];
