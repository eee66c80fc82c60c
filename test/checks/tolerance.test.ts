import { describe, expect, test } from "vitest";
import { assertSameScores, differs, LOOSE_TOLERANCE, TIGHT_TOLERANCE } from "../../src/checks/assert.js";
import { CheckFailure, CheckWarning } from "../../src/checks/types.js";

const one = (a: number, b: number) => () => assertSameScores("twice", new Map([[0, a]]), new Map([[0, b]]), []);

describe("score tolerance (invariance checks)", () => {
  test("small scores are compared relatively: 0.001 vs 0.009 fails", () => {
    expect(differs(0.001, 0.009, LOOSE_TOLERANCE)).toBe(true);
    expect(one(0.001, 0.009)).toThrow(CheckFailure);
  });

  test("bf16-sized noise passes the MUST bound but warns", () => {
    // one bf16 ulp of a logit near -5 moves sigmoid(-5) ≈ 6.7e-3 by ~3%
    const p = 1 / (1 + Math.exp(5));
    const q = 1 / (1 + Math.exp(5 - 2 ** -5));
    expect(differs(p, q, LOOSE_TOLERANCE)).toBe(false);
    expect(one(p, q)).toThrow(CheckWarning);
  });

  test("differences under the absolute floor never fail: 1e-5 vs 3e-5", () => {
    expect(differs(1e-5, 3e-5, LOOSE_TOLERANCE)).toBe(false);
    expect(differs(1e-5, 3e-5, TIGHT_TOLERANCE)).toBe(true);
  });

  test("equal scores pass silently; a mid-range 10% change fails", () => {
    expect(one(0.5, 0.5)).not.toThrow();
    expect(one(0.5, 0.55)).toThrow(/beyond the tolerance \(5% relative; differences up to 1e-4 ignored\)/);
  });
});
