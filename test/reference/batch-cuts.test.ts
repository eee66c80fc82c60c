import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutBatches, cutRuns, planBatches, runsCost, RUN_OVERHEAD_TOKENS, type BatchSpan } from "../../src/reference/batch-cuts.js";

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
        expect(runsCost(lengths, overhead)).toBe(cheapest);
      }),
    );
  });
});

describe("planBatches", () => {
  const sorted = (lengths: number[]) => [...lengths].sort((a, b) => a - b);
  const costOf = (lengths: number[], span: BatchSpan) => runsCost(lengths.slice(span.start, span.end), RUN_OVERHEAD_TOKENS);
  /** The smallest largest runs cost of any cut of `lengths` into at most `parts` contiguous batches. */
  const bestLargest = (lengths: number[], parts: number): number => {
    if (parts === 1 || lengths.length === 1) return runsCost(lengths, RUN_OVERHEAD_TOKENS);
    let best = runsCost(lengths, RUN_OVERHEAD_TOKENS);
    for (let k = 1; k < lengths.length; k++) {
      best = Math.min(best, Math.max(runsCost(lengths.slice(0, k), RUN_OVERHEAD_TOKENS), bestLargest(lengths.slice(k), parts - 1)));
    }
    return best;
  };
  const covers = (spans: BatchSpan[], n: number) =>
    [...spans]
      .sort((a, b) => a.start - b.start)
      .every((span, k, all) => span.start === (all[k - 1]?.end ?? 0) && span.end > span.start && (k < all.length - 1 || span.end === n));

  it("cuts a round of one batch per replica where its sessions' runs cost the same, not its padded tokens", () => {
    // A 10-document request: cut by padded tokens (5 × 79 | 5 × 122) one replica computed 382
    // tokens' worth and the other 624; by its runs, 505 and 504.
    const lengths = [46, 54, 56, 79, 91, 107, 113, 117, 118, 122];
    const byPadding = cutBatches(lengths, 2048, 2);
    expect(byPadding.map((end, k) => costOf(lengths, { start: byPadding[k - 1] ?? 0, end }))).toEqual([382, 624]);
    const spans = planBatches(lengths, 2048, 2);
    expect(spans.map((span) => costOf(lengths, span))).toEqual([505, 504]);
  });

  it("has no cut with a smaller largest batch, covers the round once and hands the costliest over first (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 3, max: 200 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 2, max: 3 }), (raw, replicas) => {
        const lengths = sorted(raw);
        const spans = planBatches(lengths, 1_000_000, replicas);
        expect(covers(spans, lengths.length)).toBe(true);
        expect(spans.length).toBeLessThanOrEqual(replicas);
        const costs = spans.map((span) => costOf(lengths, span));
        expect(Math.max(...costs)).toBe(bestLargest(lengths, replicas));
        expect(costs).toEqual([...costs].sort((a, b) => b - a));
      }),
      // Found by a run of this property: the padded-token cut needed only 2 batches of 3 replicas.
      { examples: [[[3, 200, 200, 200], 3]], numRuns: 1000 },
    );
  });

  it("keeps every batch within the token budget (a pair alone may pass it)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 3, max: 300 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 100, max: 3000 }), (raw, budget) => {
        const lengths = sorted(raw);
        const spans = planBatches(lengths, budget, 2);
        expect(covers(spans, lengths.length)).toBe(true);
        for (const span of spans) {
          const size = span.end - span.start;
          if (size > 1) expect(size * lengths[span.end - 1]!).toBeLessThanOrEqual(budget);
        }
      }),
    );
  });

  it("leaves larger rounds as cutBatches cuts them, in order", () => {
    const spansOf = (ends: number[]) => ends.map((end, k) => ({ start: ends[k - 1] ?? 0, end }));
    // More batches than replicas: the replicas take turns, and the scheduler keeps them fed.
    const long = Array.from({ length: 40 }, (_, i) => 20 + 3 * i);
    expect(planBatches(long, 500, 2)).toEqual(spansOf(cutBatches(long, 500, 2)));
    // One batch per replica, but too many pairs to search on the HTTP thread.
    const many = Array.from({ length: 65 }, (_, i) => 10 + (i % 7));
    expect(cutBatches(many, 8192, 2)).toHaveLength(2);
    expect(planBatches(many, 8192, 2)).toEqual(spansOf(cutBatches(many, 8192, 2)));
    // One replica: one batch, as cut.
    expect(planBatches([30, 40], 8192, 1)).toEqual([{ start: 0, end: 2 }]);
  });
});
