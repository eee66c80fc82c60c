import { describe, expect, it } from "vitest";
import { pairedRandomizationTest } from "../../src/quality/significance.js";

describe("paired randomization test", () => {
  it("identical per-query values: delta 0 and p = 1", () => {
    const a = [0.1, 0.5, 0.9, 0.3, 0.3];
    expect(pairedRandomizationTest(a, [...a])).toMatchObject({ delta: 0, p_value: 1, queries: 5 });
  });

  it("a consistent difference over 20 queries is significant; delta is mean(b) − mean(a)", () => {
    const a = Array.from({ length: 20 }, (_, i) => 0.3 + 0.01 * i);
    const b = a.map((x) => x + 0.1);
    const t = pairedRandomizationTest(a, b);
    expect(t.delta).toBeCloseTo(0.1, 12);
    // Only the two all-same-sign flips reach |mean| 0.1: exact p = 2/2^20; the estimate is (0 + 1)/(10000 + 1).
    expect(t.p_value).toBeLessThan(0.001);
    expect(t.p_value).toBe(1 / 10_001); // never 0: the observed assignment counts as one of the permutations
    expect(pairedRandomizationTest(b, a).delta).toBeCloseTo(-0.1, 12);
  });

  it("matches the exact p-value of a small case (3 queries, all +1: 2 of 8 sign patterns)", () => {
    const t = pairedRandomizationTest([0, 0, 0], [1, 1, 1], { permutations: 20_000 });
    expect(t.p_value).toBeGreaterThan(0.24);
    expect(t.p_value).toBeLessThan(0.26);
  });

  it("noise around zero is not significant, and the result is seeded", () => {
    const a = [0.5, 0.6, 0.4, 0.55, 0.45, 0.5, 0.62, 0.38];
    const b = [0.52, 0.58, 0.41, 0.53, 0.47, 0.49, 0.6, 0.4];
    const t = pairedRandomizationTest(a, b, { seed: 3 });
    expect(t.p_value).toBeGreaterThan(0.3);
    expect(pairedRandomizationTest(a, b, { seed: 3 })).toEqual(t);
  });

  it("no paired queries: delta 0, p 1", () => {
    expect(pairedRandomizationTest([], [])).toMatchObject({ delta: 0, p_value: 1, queries: 0 });
  });
});
