import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutBatches, cutRuns } from "../../src/reference/batch-cuts.js";

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

describe("cutRuns", () => {
  /** Padded tokens plus the overhead per run, of a split given by its ends. */
  const total = (lengths: number[], ends: number[], overhead: number) =>
    ends.reduce((sum, end, k) => {
      const start = ends[k - 1] ?? 0;
      return sum + overhead + (end - start) * Math.max(...lengths.slice(start, end));
    }, 0);

  it("keeps pairs of one length in one run, and splits where padding costs more than a run", () => {
    expect(cutRuns([100, 100, 100, 100], 16)).toEqual([4]);
    // One run: 3 × 120 + 16 = 376; three: 20 + 40 + 120 + 3 × 16 = 228.
    expect(cutRuns([20, 40, 120], 16)).toEqual([1, 2, 3]);
    // Nearly equal lengths: one more run costs more than the padding it saves.
    expect(cutRuns([98, 99, 100], 16)).toEqual([3]);
    expect(cutRuns([], 16)).toEqual([]);
  });

  it("finds the cheapest split of any batch (checked against every split of small ones)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 64 }), (lengths, overhead) => {
        const ends = cutRuns(lengths, overhead);
        expect(ends.at(-1)).toBe(lengths.length);
        // Every split is a subset of the n - 1 places between pairs.
        let cheapest = Infinity;
        for (let mask = 0; mask < 1 << (lengths.length - 1); mask++) {
          const candidate = [...Array.from({ length: lengths.length - 1 }, (_, i) => i + 1).filter((_, i) => mask & (1 << i)), lengths.length];
          cheapest = Math.min(cheapest, total(lengths, candidate, overhead));
        }
        expect(total(lengths, ends, overhead)).toBe(cheapest);
      }),
    );
  });
});
