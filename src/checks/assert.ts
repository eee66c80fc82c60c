import type { RerankOutput } from "../contract/common.js";
import type { HttpExchange } from "../client/http-client.js";
import { CheckFailure, CheckWarning, type Evidence } from "./types.js";
import { mulberry32 } from "../util/prng.js";

/** Scores equal "exactly": float noise only (SHOULD level). */
export const TIGHT_TOLERANCE = 1e-5;
/**
 * Scores equal within what fp16/bf16 batching on a GPU explains (MUST level): the 1%
 * that vLLM's and Infinity's own tests allow against a reference implementation.
 */
export const LOOSE_TOLERANCE = 1e-2;

export function deviation(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
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
  let worst = { dev: 0, index: -1, a: 0, b: 0 };
  for (const [index, a] of expected) {
    const b = actual.get(index);
    if (b === undefined) fail(`${what}: ${describeIndex(index)} is missing from the second answer`, evidence);
    const dev = deviation(a, b);
    if (dev > worst.dev) worst = { dev, index, a, b };
  }
  const detail = `${describeIndex(worst.index)} scored ${worst.a} and then ${worst.b} (relative difference ${worst.dev.toExponential(2)})`;
  if (worst.dev > LOOSE_TOLERANCE) fail(`${what} changed scores beyond ${LOOSE_TOLERANCE}: ${detail}`, evidence);
  if (worst.dev > TIGHT_TOLERANCE) throw new CheckWarning(`${what} changed scores beyond ${TIGHT_TOLERANCE} (within ${LOOSE_TOLERANCE}): ${detail}`, evidence);
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
