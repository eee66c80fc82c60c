import type { RerankOutput } from "../contract/common.js";
import type { HttpExchange } from "../client/http-client.js";
import { CheckFailure, CheckWarning, type Evidence } from "./types.js";
import { mulberry32 } from "../util/prng.js";

/** How far two scores of the same (query, document) pair may differ. */
export interface Tolerance {
  /** Relative to the larger magnitude. */
  relative: number;
  /** Differences at or under this are always tolerated (scores near zero). */
  absolute: number;
}

/** Float noise only: beyond it a MUST check warns (fails with --strict). */
export const TIGHT_TOLERANCE: Tolerance = { relative: 1e-5, absolute: 1e-9 };

/**
 * What fp16/bf16 batching on a GPU explains; beyond it a MUST check fails. Batch shape changes
 * the reduction order, which can move a bf16 logit by one unit in the last place: 2^-5 for
 * |logit| in [4, 8), i.e. up to ~3% of a sigmoid score between 3e-4 and 2e-2, and ~6% of the
 * even smaller scores below (|logit| 8..16), whose absolute change stays under 2e-5. Hence 5%
 * relative, and differences under 1e-4 ignored. Relative, so that 0.001 against 0.009 (a
 * ninefold change in a cross-encoder's small scores, which reach 1e-5) is a failure.
 */
export const LOOSE_TOLERANCE: Tolerance = { relative: 5e-2, absolute: 1e-4 };

/** "5% relative; differences up to 1e-4 ignored" */
export function describeTolerance(t: Tolerance): string {
  return `${+(t.relative * 100).toPrecision(3)}% relative; differences up to ${t.absolute.toExponential(0)} ignored`;
}

/** |a − b| relative to the larger magnitude (0 when both are 0). */
export function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/** Whether a and b differ beyond the tolerance: over its absolute floor and over its relative bound. */
export function differs(a: number, b: number, t: Tolerance): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return !Object.is(a, b);
  const diff = Math.abs(a - b);
  return diff > t.absolute && diff > t.relative * Math.max(Math.abs(a), Math.abs(b));
}

export function fail(message: string, evidence: Evidence[]): never {
  throw new CheckFailure(message, evidence);
}

/** Score of each input index (the last one wins if the server repeated an index). */
export function scoresByIndex(output: RerankOutput): Map<number, number> {
  return new Map(output.results.map((r) => [r.index, r.score]));
}

/** Indices are integers in [0, n), each at most once. */
export function assertPermutationSubset(output: RerankOutput, n: number, evidence: Evidence[]): void {
  const seen = new Set<number>();
  for (const [pos, r] of output.results.entries()) {
    if (!Number.isInteger(r.index) || r.index < 0 || r.index >= n) {
      fail(`results[${pos}].index is ${r.index}, outside the ${n} input documents (0..${n - 1})`, evidence);
    }
    if (seen.has(r.index)) fail(`index ${r.index} appears more than once in results`, evidence);
    seen.add(r.index);
  }
}

export function assertCount(output: RerankOutput, expected: number, what: string, evidence: Evidence[]): void {
  if (output.results.length !== expected) {
    fail(`${what}: expected ${expected} results, got ${output.results.length} (indices ${output.results.map((r) => r.index).join(", ") || "none"})`, evidence);
  }
}

export function assertSortedDescending(output: RerankOutput, evidence: Evidence[]): void {
  const r = output.results;
  for (let i = 1; i < r.length; i++) {
    if (r[i]!.score > r[i - 1]!.score) {
      fail(
        `results are not sorted by score, descending: results[${i - 1}] (index ${r[i - 1]!.index}) scores ${r[i - 1]!.score} < results[${i}] (index ${r[i]!.index}) ${r[i]!.score}`,
        evidence,
      );
    }
  }
}

/**
 * Compares two runs' scores per document: beyond LOOSE_TOLERANCE is a failure, beyond
 * TIGHT_TOLERANCE a warning. `what` names the invariance, e.g. "the same request twice".
 */
export function assertSameScores(
  what: string,
  expected: Map<number, number>,
  actual: Map<number, number>,
  evidence: Evidence[],
  describeIndex: (index: number) => string = (i) => `document ${i}`,
): void {
  const pairs: { index: number; a: number; b: number }[] = [];
  for (const [index, a] of expected) {
    const b = actual.get(index);
    if (b === undefined) fail(`${what}: ${describeIndex(index)} is missing from the second answer`, evidence);
    pairs.push({ index, a, b });
  }
  // The worst pair is the one furthest past the tolerance (absolute floor first, then relative).
  const excess = ({ a, b }: { a: number; b: number }, t: Tolerance) => Math.min(Math.abs(a - b) / t.absolute, relativeDifference(a, b) / t.relative);
  const worstFor = (t: Tolerance) => pairs.filter((p) => differs(p.a, p.b, t)).sort((x, y) => excess(y, t) - excess(x, t))[0];
  const detail = (p: { index: number; a: number; b: number }) =>
    `${describeIndex(p.index)} scored ${p.a} and then ${p.b} (difference ${Math.abs(p.a - p.b).toExponential(2)}, ${(relativeDifference(p.a, p.b) * 100).toPrecision(3)}% relative)`;
  const loose = worstFor(LOOSE_TOLERANCE);
  if (loose) fail(`${what} changed scores beyond the tolerance (${describeTolerance(LOOSE_TOLERANCE)}): ${detail(loose)}`, evidence);
  const tight = worstFor(TIGHT_TOLERANCE);
  if (tight)
    throw new CheckWarning(
      `${what} changed scores beyond float noise (${describeTolerance(TIGHT_TOLERANCE)}), within the tolerance for GPU batching: ${detail(tight)}`,
      evidence,
    );
}

export function isJsonContentType(exchange: HttpExchange): boolean {
  const type = (exchange.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || /^application\/[a-z0-9.+-]*\+json$/.test(type);
}

/** The raw result objects of a success body: a bare array or its `results` array. */
export function rawResults(json: unknown): Record<string, unknown>[] {
  const list = Array.isArray(json) ? json : (json as { results?: unknown } | null)?.results;
  return Array.isArray(list) ? (list.filter((r) => r && typeof r === "object") as Record<string, unknown>[]) : [];
}

/** Finds the request body's key holding `value`, so checks never hard-code field names (`documents` vs TEI's `texts`). */
export function keyHolding(body: Record<string, unknown>, value: unknown): string {
  const same = (v: unknown) => v === value || JSON.stringify(v) === JSON.stringify(value);
  const key = Object.keys(body).find((k) => same(body[k]));
  if (key === undefined) throw new Error("the dialect's request builder did not carry the value through");
  return key;
}

/** A seeded shuffle (mulberry32), so a failing permutation can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rand = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
