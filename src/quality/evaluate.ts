import { z } from "zod";
import type { Dataset } from "./dataset.js";
import { averageMetrics, queryMetrics } from "./metrics.js";
import { HarnessError } from "../util/errors.js";

/** Scores `documents` for `query`: one score per document, by input index. Throws RankError when it cannot. */
export type Ranker = (query: string, documents: string[]) => Promise<number[]>;

/** A query the target could not score (HTTP error, a body that does not parse, missing indices…). */
export class RankError extends HarnessError {
  readonly code = "RH_RANK";
  readonly kind = "failed";
}

/** One query's figures on one target (the `--json` file's `targets[].quality.per_query[]`). */
export const PerQueryQuality = z.strictObject({ query_id: z.string(), ndcg_at_10: z.number(), ap: z.number(), rr_at_10: z.number(), recall_at_10: z.number() });
export type PerQueryQuality = z.infer<typeof PerQueryQuality>;

/** `targets[].quality`: averages over the queries the target scored, and each query's figures. */
export const QualityResult = z.strictObject({
  ndcg_at_10: z.number().nullable(),
  map: z.number().nullable(),
  mrr_at_10: z.number().nullable(),
  recall_at_10: z.number().nullable(),
  /** Queries scored (in the averages). */
  queries: z.number().int(),
  /** Queries that could not be scored (not in the averages). */
  failed_queries: z.number().int(),
  /** The first few failures, "query id: why". */
  failures: z.array(z.string()),
  /** Most documents sent in one request (the dialect's documented limit, or all candidates). */
  batch_size: z.number().int().nullable(),
  requests: z.number().int(),
  per_query: z.array(PerQueryQuality),
});
export type QualityResult = z.infer<typeof QualityResult>;

const FAILURES_KEPT = 5;

/**
 * Reranks every query's candidates with `rank`, in batches of at most `batchSize` documents
 * (scores from different batches are compared as they are, as for a pointwise cross-encoder),
 * one request at a time, and judges each ranking. Only the per-query figures are kept, so
 * memory does not grow with the documents' size.
 */
export async function evaluateDataset(
  dataset: Dataset,
  rank: Ranker,
  options: { batchSize?: number | null; onProgress?: (done: number, total: number) => void } = {},
): Promise<QualityResult> {
  const batchSize = options.batchSize ?? null;
  const perQuery: PerQueryQuality[] = [];
  const failures: string[] = [];
  let failed = 0;
  let done = 0;
  let requests = 0;
  for await (const q of dataset.iterate()) {
    try {
      const texts = q.candidates.map((c) => c.text);
      const scores: number[] = [];
      const size = batchSize ?? Math.max(1, texts.length);
      for (let start = 0; start < texts.length; start += size) {
        const batch = texts.slice(start, start + size);
        requests++;
        const got = await rank(q.text, batch);
        if (got.length !== batch.length) throw new RankError(`${got.length} scores for ${batch.length} documents`);
        scores.push(...got);
      }
      const m = queryMetrics(
        q.candidates.map((c, i) => ({ id: c.id, score: scores[i]! })),
        q.qrels,
      );
      perQuery.push({ query_id: q.id, ...m });
    } catch (err) {
      if (!(err instanceof RankError)) throw err;
      failed++;
      if (failures.length < FAILURES_KEPT) failures.push(`${q.id}: ${err.message}`);
    }
    options.onProgress?.(++done, dataset.queries);
  }
  return { ...averageMetrics(perQuery), failed_queries: failed, failures, batch_size: batchSize, requests, per_query: perQuery };
}
