import { describe, expect, it } from "vitest";
import { averageMetrics, averagePrecision, ndcgAt, queryMetrics, recallAt, reciprocalRankAt, trecOrder } from "../../src/quality/metrics.js";

// Hand-computed examples (log2 discount, linear gain as trec_eval's ndcg_cut, ideal over all judged documents).
const L3 = Math.log2(3);

describe("metrics", () => {
  const qrels = new Map([
    ["a", 0],
    ["b", 2],
    ["c", 1],
    ["e", 3], // judged but not among the candidates: counts in the ideal and in recall's denominator
  ]);
  const ranked = ["a", "b", "c", "d"];

  it("NDCG@10: graded gain, log2 discount, ideal from every judged document", () => {
    const dcg = 2 / L3 + 1 / 2;
    const idcg = 3 + 2 / L3 + 1 / 2;
    expect(ndcgAt(ranked, qrels)).toBeCloseTo(dcg / idcg, 12);
    expect(ndcgAt(ranked, qrels)).toBeCloseTo(0.36999, 4);
    expect(ndcgAt(["e", "b", "c"], qrels)).toBeCloseTo(1, 12);
    expect(ndcgAt(["a", "d"], qrels)).toBe(0);
    expect(ndcgAt(["b"], new Map([["b", 0]]))).toBe(0); // no relevant document: 0, not NaN
  });

  it("NDCG cuts at 10", () => {
    const docs = Array.from({ length: 11 }, (_, i) => `x${i}`);
    expect(ndcgAt(docs, new Map([["x10", 1]]))).toBe(0);
    expect(ndcgAt(docs, new Map([["x9", 1]]))).toBeCloseTo(1 / Math.log2(11), 12);
  });

  it("AP, RR@10 and recall@10 count relevant documents the candidates missed", () => {
    expect(averagePrecision(ranked, qrels)).toBeCloseTo((1 / 2 + 2 / 3) / 3, 12);
    expect(reciprocalRankAt(ranked, qrels)).toBe(1 / 2);
    expect(recallAt(ranked, qrels)).toBeCloseTo(2 / 3, 12);
    const eleven = Array.from({ length: 11 }, (_, i) => `x${i}`);
    expect(reciprocalRankAt(eleven, new Map([["x10", 1]]))).toBe(0);
    expect(averagePrecision(eleven, new Map([["x10", 1]]))).toBeCloseTo(1 / 11, 12); // MAP has no cut
  });

  it("ties: score descending, then document id descending (trec_eval), ids compared as strings", () => {
    const scored = [
      { id: "d1", score: 0.5 },
      { id: "d2", score: 0.5 },
      { id: "d3", score: 0.9 },
    ];
    expect(trecOrder(scored).map((d) => d.id)).toEqual(["d3", "d2", "d1"]);
    // d1 relevant: ranked 3rd after the tie → RR 1/3, NDCG 1/log2(4) = 0.5, AP 1/3.
    expect(queryMetrics(scored, new Map([["d1", 1]]))).toEqual({ ndcg_at_10: 0.5, ap: 1 / 3, rr_at_10: 1 / 3, recall_at_10: 1 });
    // d2 relevant: 2nd → RR 1/2, NDCG 1/log2(3).
    const m = queryMetrics(scored, new Map([["d2", 1]]));
    expect(m.rr_at_10).toBe(0.5);
    expect(m.ndcg_at_10).toBeCloseTo(1 / L3, 12);
    // "d9" > "d10" as strings (strcmp), so d9 comes first.
    expect(
      trecOrder([
        { id: "d10", score: 1 },
        { id: "d9", score: 1 },
      ]).map((d) => d.id),
    ).toEqual(["d9", "d10"]);
    // The order given does not matter.
    expect(trecOrder([...scored].reverse())).toEqual(trecOrder(scored));
  });

  it("averages over queries; none gives null", () => {
    const avg = averageMetrics([
      { ndcg_at_10: 1, ap: 1, rr_at_10: 1, recall_at_10: 1 },
      { ndcg_at_10: 0.5, ap: 0.25, rr_at_10: 0.5, recall_at_10: 0 },
    ]);
    expect(avg).toEqual({ ndcg_at_10: 0.75, map: 0.625, mrr_at_10: 0.75, recall_at_10: 0.5, queries: 2 });
    expect(averageMetrics([])).toEqual({ ndcg_at_10: null, map: null, mrr_at_10: null, recall_at_10: null, queries: 0 });
  });
});
