import { mulberry32 } from "../util/prng.js";

// Paired randomization (permutation) test, the test Smucker, Allan & Carterette (CIKM 2007)
// recommend for IR: under the null hypothesis the two systems are exchangeable on each query,
// so each per-query difference is as likely to carry either sign.

export const DEFAULT_PERMUTATIONS = 10_000;
export const DEFAULT_TEST_SEED = 1;
/** The level the console calls a difference significant at. */
export const SIGNIFICANCE_LEVEL = 0.05;

export interface PairedTest {
  /** mean(b) − mean(a) over the paired queries. */
  delta: number;
  /** Two-sided p-value. */
  p_value: number;
  /** Queries both targets scored. */
  queries: number;
  permutations: number;
}

/**
 * Two-sided paired randomization test on per-query values `a[i]`, `b[i]` (the same query).
 * p = (1 + #{permutations with |mean diff| ≥ observed}) / (1 + permutations): never 0, and
 * exactly 1 when every difference is 0. Seeded: the same inputs give the same p.
 */
export function pairedRandomizationTest(a: readonly number[], b: readonly number[], options: { permutations?: number; seed?: number } = {}): PairedTest {
  if (a.length !== b.length) throw new RangeError(`pairedRandomizationTest: ${a.length} vs ${b.length} values`);
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;
  const n = a.length;
  const diffs = a.map((x, i) => b[i]! - x);
  const observed = n === 0 ? 0 : diffs.reduce((s, d) => s + d, 0) / n;
  if (n === 0) return { delta: 0, p_value: 1, queries: 0, permutations: 0 };
  const rng = mulberry32(options.seed ?? DEFAULT_TEST_SEED);
  // Floating-point sums of the same values in another order can differ in the last bits.
  const threshold = Math.abs(observed) - 1e-12;
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rng() < 0.5 ? -diffs[i]! : diffs[i]!;
    if (Math.abs(sum / n) >= threshold) atLeast++;
  }
  return { delta: observed, p_value: (atLeast + 1) / (permutations + 1), queries: n, permutations };
}
