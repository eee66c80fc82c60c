import type { CheckDefinition } from "../types.js";
import { CheckFailure, CheckSkip, type Evidence } from "../types.js";

/** Enough for the slowest honest target: every query may take one full request timeout. */
const BASE_BUDGET_MS = 60_000;

export const datasetChecks: CheckDefinition[] = [
  {
    id: "relevance.dataset",
    area: "relevance",
    level: "MUST",
    statement: "On the --dataset labelled data, NDCG@10 of the target's ranking is at least --min-ndcg.",
    source: "the user's labelled data (MTEB reranking JSONL or a BEIR folder); NDCG@10 as trec_eval ndcg_cut.10",
    skipReason: () => null,
    budgetMs: (target) => (target.dataset ? BASE_BUDGET_MS + target.dataset.queries * target.timeoutMs : undefined),
    async run(ctx) {
      const spec = ctx.target.dataset;
      if (!spec) throw new CheckSkip("no --dataset given");
      const { openDataset } = await import("../../quality/dataset.js");
      const { evaluateDataset, RankError } = await import("../../quality/evaluate.js");
      const { documentsPerRequestLimit, scoresFromOutput } = await import("../../quality/ranker.js");
      const dataset = await openDataset(spec.path, { candidates: spec.candidates, seed: spec.seed });
      const evidence: Evidence[] = [];
      const result = await evaluateDataset(
        dataset,
        async (query, documents) => {
          const r = await ctx.rerank({ query, documents }, { label: `dataset query (${documents.length} documents)` }).catch((err: unknown) => {
            if (err instanceof CheckFailure) {
              if (evidence.length < 3) evidence.push(...err.evidence);
              throw new RankError(err.message);
            }
            throw err;
          });
          if (!r.output) {
            if (evidence.length < 3) evidence.push(r.evidence);
            throw new RankError(r.violation ? r.violation.message : `HTTP ${r.exchange.status}`);
          }
          return scoresFromOutput(r.output, documents.length);
        },
        { batchSize: documentsPerRequestLimit(ctx.dialect) },
      );
      const ndcg = result.ndcg_at_10;
      const rest = `MAP ${fmt(result.map)}, MRR@10 ${fmt(result.mrr_at_10)}, recall@10 ${fmt(result.recall_at_10)} over ${result.queries} queries of ${spec.path}`;
      if (result.failed_queries > 0) {
        throw new CheckFailure(
          `${result.failed_queries} of ${dataset.queries} queries could not be scored (${result.failures[0]}); NDCG@10 ${fmt(ndcg)} on the others`,
          evidence,
        );
      }
      if (spec.minNdcg !== undefined && (ndcg ?? 0) < spec.minNdcg) throw new CheckFailure(`NDCG@10 ${fmt(ndcg)} < --min-ndcg ${spec.minNdcg}; ${rest}`);
      return `NDCG@10 ${fmt(ndcg)}${spec.minNdcg !== undefined ? ` ≥ --min-ndcg ${spec.minNdcg}` : ""}; ${rest}`;
    },
  },
];

const fmt = (x: number | null) => (x === null ? "–" : x.toFixed(4));
