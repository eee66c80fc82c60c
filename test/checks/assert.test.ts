import { describe, expect, it } from "vitest";
import {
  assertCount,
  assertPermutationSubset,
  assertSameScores,
  assertSortedDescending,
  describeTolerance,
  differs,
  isJsonContentType,
  keyHolding,
  LOOSE_TOLERANCE,
  rawResults,
  relativeDifference,
  scoresByIndex,
  shuffled,
  TIGHT_TOLERANCE,
} from "../../src/checks/assert.js";
import { CheckFailure, CheckWarning } from "../../src/checks/types.js";
import type { HttpExchange } from "../../src/client/http-client.js";
import type { RerankOutput } from "../../src/contract/common.js";

// The assertions every check is built from, on their own: each must fail exactly past its bound.

const out = (...pairs: Array<[index: number, score: number]>): RerankOutput => ({ results: pairs.map(([index, score]) => ({ index, score })) }) as RerankOutput;
const thrown = (fn: () => void): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe("check assertions", () => {
  it("relative difference is relative to the larger magnitude; differs needs both the absolute floor and the relative bound", () => {
    expect(relativeDifference(2, 1)).toBe(0.5);
    expect(relativeDifference(-4, -2)).toBe(0.5);
    expect(relativeDifference(3, 3)).toBe(0);
    expect(relativeDifference(0, 0)).toBe(0);
    expect(TIGHT_TOLERANCE).toEqual({ relative: 1e-5, absolute: 1e-9 });
    expect(LOOSE_TOLERANCE).toEqual({ relative: 5e-2, absolute: 1e-4 });
    expect(describeTolerance(LOOSE_TOLERANCE)).toBe("5% relative; differences up to 1e-4 ignored");
    // Under the absolute floor: tolerated however large relatively; over it, the relative bound decides.
    expect(differs(1e-5, 9e-5, LOOSE_TOLERANCE)).toBe(false);
    expect(differs(0.001, 0.009, LOOSE_TOLERANCE)).toBe(true);
    expect(differs(100, 95.1, LOOSE_TOLERANCE)).toBe(false);
    expect(differs(100, 94.9, LOOSE_TOLERANCE)).toBe(true);
    expect(differs(NaN, NaN, LOOSE_TOLERANCE)).toBe(false);
    expect(differs(1, Infinity, LOOSE_TOLERANCE)).toBe(true);
  });

  it("permutation subset: integer indices in [0, n), each once", () => {
    expect(thrown(() => assertPermutationSubset(out([2, 1], [0, 0.5], [1, 0]), 3, []))).toBeUndefined();
    expect(thrown(() => assertPermutationSubset(out([3, 1]), 3, []))).toMatchObject({ message: "results[0].index is 3, outside the 3 input documents (0..2)" });
    expect(thrown(() => assertPermutationSubset(out([0, 1], [-1, 1]), 3, []))).toMatchObject({ message: expect.stringMatching(/^results\[1\]\.index is -1/) });
    expect(thrown(() => assertPermutationSubset(out([0.5, 1]), 3, []))).toBeInstanceOf(CheckFailure);
    expect(thrown(() => assertPermutationSubset(out([1, 1], [1, 0]), 3, []))).toMatchObject({ message: "index 1 appears more than once in results" });
  });

  it("count: names what it expected and the indices it got", () => {
    expect(thrown(() => assertCount(out([0, 1]), 1, "top_n=1", []))).toBeUndefined();
    expect(thrown(() => assertCount(out([0, 1], [2, 0]), 1, "top_n=1", []))).toMatchObject({ message: "top_n=1: expected 1 results, got 2 (indices 0, 2)" });
    expect(thrown(() => assertCount(out(), 1, "x", []))).toMatchObject({ message: "x: expected 1 results, got 0 (indices none)" });
  });

  it("sorted descending: ties allowed, any rise fails with both positions", () => {
    const ev = [{ request: { method: "POST", url: "u", headers: {} } }];
    expect(thrown(() => assertSortedDescending(out([0, 0.9], [1, 0.9], [2, 0.1]), ev))).toBeUndefined();
    const err = thrown(() => assertSortedDescending(out([0, 0.9], [1, 0.1], [2, 0.5]), ev)) as CheckFailure;
    expect(err).toBeInstanceOf(CheckFailure);
    expect(err.message).toBe("results are not sorted by score, descending: results[1] (index 1) scores 0.1 < results[2] (index 2) 0.5");
    expect(err.evidence).toBe(ev);
  });

  it("same scores: a failure past the loose bound, a warning past the tight one, silence within", () => {
    const a = new Map([
      [0, 2],
      [1, 1.5],
    ]);
    expect(
      thrown(() =>
        assertSameScores(
          "twice",
          a,
          new Map([
            [0, 2],
            [1, 1.5],
          ]),
          [],
        ),
      ),
    ).toBeUndefined();
    expect(
      thrown(() =>
        assertSameScores(
          "twice",
          a,
          new Map([
            [0, 2 + 1e-5],
            [1, 1.5],
          ]),
          [],
        ),
      ),
    ).toBeUndefined();
    const warn = thrown(() =>
      assertSameScores(
        "twice",
        a,
        new Map([
          [0, 2],
          [1, 1.5 + 3e-3],
        ]),
        [],
      ),
    );
    expect(warn).toBeInstanceOf(CheckWarning);
    expect((warn as Error).message).toBe(
      "twice changed scores beyond float noise (0.001% relative; differences up to 1e-9 ignored), within the tolerance for GPU batching: document 1 scored 1.5 and then 1.503 (difference 3.00e-3, 0.200% relative)",
    );
    const fail = thrown(() =>
      assertSameScores(
        "twice",
        a,
        new Map([
          [0, 1.6],
          [1, 1.5 + 3e-3],
        ]),
        [],
        (i) => `doc #${i}`,
      ),
    );
    expect(fail).toBeInstanceOf(CheckFailure);
    expect((fail as Error).message).toBe(
      "twice changed scores beyond the tolerance (5% relative; differences up to 1e-4 ignored): doc #0 scored 2 and then 1.6 (difference 4.00e-1, 20.0% relative)",
    );
    expect((thrown(() => assertSameScores("twice", a, new Map([[0, 2]]), [])) as Error).message).toBe("twice: document 1 is missing from the second answer");
    // Just inside the loose bound: a warning, not a failure; just past it: a failure.
    expect(thrown(() => assertSameScores("x", new Map([[0, 100]]), new Map([[0, 95.1]]), []))).toBeInstanceOf(CheckWarning);
    expect(thrown(() => assertSameScores("x", new Map([[0, 100]]), new Map([[0, 94.9]]), []))).toBeInstanceOf(CheckFailure);
  });

  it("scoresByIndex keeps the last score of a repeated index", () => {
    expect([...scoresByIndex(out([1, 0.5], [0, 0.2], [1, 0.7]))]).toEqual([
      [1, 0.7],
      [0, 0.2],
    ]);
  });

  it("JSON content types: application/json and +json suffixes, parameters and case ignored", () => {
    const ex = (type?: string) => ({ headers: type === undefined ? {} : { "content-type": type } }) as unknown as HttpExchange;
    expect(isJsonContentType(ex("application/json"))).toBe(true);
    expect(isJsonContentType(ex("Application/JSON; charset=utf-8"))).toBe(true);
    expect(isJsonContentType(ex("application/problem+json"))).toBe(true);
    expect(isJsonContentType(ex("text/plain"))).toBe(false);
    expect(isJsonContentType(ex("application/jsonx"))).toBe(false);
    expect(isJsonContentType(ex("xapplication/json"))).toBe(false);
    expect(isJsonContentType(ex("application/x+json+xml"))).toBe(false);
    expect(isJsonContentType(ex())).toBe(false);
  });

  it("rawResults: a bare array or `results`, objects only", () => {
    expect(rawResults([{ a: 1 }, 2, null, { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(rawResults({ results: [{ a: 1 }, "x"] })).toEqual([{ a: 1 }]);
    expect(rawResults({ results: "no" })).toEqual([]);
    expect(rawResults(null)).toEqual([]);
    expect(rawResults("text")).toEqual([]);
  });

  it("keyHolding finds the field carrying a value, by identity or by JSON", () => {
    const docs = ["a", "b"];
    expect(keyHolding({ query: "q", texts: ["a", "b"] }, docs)).toBe("texts");
    expect(keyHolding({ query: "q", documents: docs }, docs)).toBe("documents");
    expect(keyHolding({ query: "q", top_n: 2 }, 2)).toBe("top_n");
    expect(() => keyHolding({ query: "q" }, docs)).toThrow(/did not carry the value through/);
  });

  it("shuffled is a seeded permutation that leaves its input alone", () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const a = shuffled(items, 7);
    expect(a).toEqual(shuffled(items, 7));
    expect(a).not.toEqual(items);
    expect(a).not.toEqual(shuffled(items, 8));
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(items[0]).toBe(0);
    expect(shuffled([1], 3)).toEqual([1]);
    expect(shuffled([], 3)).toEqual([]);
  });
});
