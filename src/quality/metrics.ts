// Ranking metrics as trec_eval (and pytrec_eval, which MTEB and BEIR call) define them. Pure
// functions over one query: the candidates a target scored, and the query's judgements.

/** A query's judgements (qrels): document id → graded relevance. A grade above 0 is relevant. */
export type Qrels = ReadonlyMap<string, number>;

export interface ScoredDoc {
  id: string;
  score: number;
}

/** The per-query figures; averaged over queries they are the run's figures. */
export interface QueryMetrics {
  ndcg_at_10: number;
  /** Average precision over the whole ranked list (trec_eval `map`). */
  ap: number;
  /** 1 / rank of the first relevant document within the top 10, else 0 (MRR@10). */
  rr_at_10: number;
  recall_at_10: number;
}

export const CUTOFF = 10;

/**
 * The order trec_eval evaluates a run in: score descending, ties by document id descending
 * (trec_eval's form_res_rels sorts on sim, then docno, both high to low). The id comparison is
 * by UTF-16 code units, as strcmp on ASCII ids.
 */
export function trecOrder(docs: readonly ScoredDoc[]): ScoredDoc[] {
  return [...docs].sort((x, y) => y.score - x.score || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
}

/** Number of relevant documents (grade > 0) among the judgements. */
export function relevantCount(qrels: Qrels): number {
  let n = 0;
  for (const rel of qrels.values()) if (rel > 0) n++;
  return n;
}

/**
 * NDCG@10 with trec_eval's ndcg_cut.10: gain = the grade itself (linear, not 2^rel − 1),
 * discount 1/log2(rank + 1), ideal DCG from every judged document of the query (also those not
 * among the candidates). Negative grades count as 0 here.
 */
export function ndcgAt(ranked: readonly string[], qrels: Qrels, k = CUTOFF): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const gain = Math.max(0, qrels.get(ranked[i]!) ?? 0);
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  }
  const ideal = [...qrels.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i]! / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

/** Average precision: mean over all relevant documents of precision at each one's rank (0 when not ranked). */
export function averagePrecision(ranked: readonly string[], qrels: Qrels): number {
  const total = relevantCount(qrels);
  if (total === 0) return 0;
  let found = 0;
  let sum = 0;
  ranked.forEach((id, i) => {
    if ((qrels.get(id) ?? 0) > 0) {
      found++;
      sum += found / (i + 1);
    }
  });
  return sum / total;
}

export function reciprocalRankAt(ranked: readonly string[], qrels: Qrels, k = CUTOFF): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((qrels.get(ranked[i]!) ?? 0) > 0) return 1 / (i + 1);
  return 0;
}

export function recallAt(ranked: readonly string[], qrels: Qrels, k = CUTOFF): number {
  const total = relevantCount(qrels);
  if (total === 0) return 0;
  let found = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((qrels.get(ranked[i]!) ?? 0) > 0) found++;
  return found / total;
}

/** Every per-query figure for one target's scores of one query's candidates. */
export function queryMetrics(scored: readonly ScoredDoc[], qrels: Qrels): QueryMetrics {
  const ranked = trecOrder(scored).map((d) => d.id);
  return {
    ndcg_at_10: ndcgAt(ranked, qrels),
    ap: averagePrecision(ranked, qrels),
    rr_at_10: reciprocalRankAt(ranked, qrels),
    recall_at_10: recallAt(ranked, qrels),
  };
}

export interface AveragedMetrics {
  ndcg_at_10: number | null;
  map: number | null;
  mrr_at_10: number | null;
  recall_at_10: number | null;
  queries: number;
}

/** Arithmetic means over the queries given (null when there are none). */
export function averageMetrics(perQuery: readonly QueryMetrics[]): AveragedMetrics {
  const n = perQuery.length;
  const mean = (f: (m: QueryMetrics) => number) => (n === 0 ? null : perQuery.reduce((s, m) => s + f(m), 0) / n);
  return {
    ndcg_at_10: mean((m) => m.ndcg_at_10),
    map: mean((m) => m.ap),
    mrr_at_10: mean((m) => m.rr_at_10),
    recall_at_10: mean((m) => m.recall_at_10),
    queries: n,
  };
}
