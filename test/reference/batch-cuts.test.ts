import { describe, expect, it } from "vitest";
import { cutBatches } from "../../src/reference/batch-cuts.js";

/** Padded tokens of each batch: its size × its last (longest) length. */
const costs = (lengths: number[], ends: number[]) => ends.map((end, k) => (end - (ends[k - 1] ?? 0)) * lengths[end - 1]!);

describe("cutBatches", () => {
  it("cuts a round of a budget or more per replica into full batches, a whole number per replica", () => {
    const lengths = new Array(40).fill(10);
    expect(cutBatches(lengths, 50, 2)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    expect(cutBatches(lengths, 50, 1)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
  });

  it("a round just over the budget: two even batches for two replicas, not a full one and a small one", () => {
    // A 100-document request of about 100 tokens a pair: greedy at the budget cuts 81 + 19.
    const lengths = Array.from({ length: 100 }, (_, i) => 80 + Math.floor(i / 3));
    const ends = cutBatches(lengths, 8192, 2);
    expect(ends).toHaveLength(2);
    const [first, second] = costs(lengths, ends);
    expect(Math.max(first!, second!) / Math.min(first!, second!)).toBeLessThan(1.1);
  });

  it("cuts a smaller round into one batch per replica, however uneven its lengths", () => {
    // Ten pairs of a 10-document request, shortest first: cut at half the tokens, a greedy cut
    // gives three batches (two of them on one replica, one after the other).
    const lengths = [40, 52, 60, 71, 80, 88, 95, 101, 110, 128];
    const ends = cutBatches(lengths, 8192, 2);
    expect(ends).toHaveLength(2);
    expect(ends.at(-1)).toBe(lengths.length);
    // As even as the order allows: no other single cut has a smaller largest batch.
    const best = Math.min(...lengths.slice(1).map((_, k) => Math.max(...costs(lengths, [k + 1, lengths.length]))));
    expect(Math.max(...costs(lengths, ends))).toBe(best);
  });

  it("never makes more batches than replicas for a round under the budget, nor a batch over it", () => {
    for (const replicas of [2, 3, 4]) {
      const lengths = Array.from({ length: 37 }, (_, i) => 20 + 3 * i);
      const ends = cutBatches(lengths, 8192, replicas);
      expect(ends).toHaveLength(replicas);
      for (const cost of costs(lengths, cutBatches(lengths, 500, replicas))) expect(cost).toBeLessThanOrEqual(500);
      expect(cutBatches(lengths, 500, replicas).length % replicas).toBe(0);
    }
  });

  it("keeps one pair alone in one batch, and an empty round in none", () => {
    expect(cutBatches([30], 8192, 2)).toEqual([1]);
    expect(cutBatches([], 8192, 2)).toEqual([]);
  });
});
