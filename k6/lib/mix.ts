// A workload mix: documents-per-request counts with weights, `MIX=10:0.6,50:0.3,100:0.1`, the
// same syntax and meaning as `rerank-harness load --mix`. Pure ECMAScript (no zod, no Node):
// the k6 bundles parse it in init context.

export interface MixEntry {
  docs: number;
  /** Share of requests, normalised so the entries sum to 1. */
  weight: number;
}

export class MixError extends Error {
  override readonly name = "MixError";
}

/**
 * Parses `D:W,D:W,…`: D a positive whole number of documents (each at most once), W a positive
 * weight. Weights need not sum to 1; they are normalised.
 */
export function parseMix(text: string): MixEntry[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === "")) throw new MixError(`"${text}" is not a mix: give D:W pairs, e.g. 10:0.6,50:0.3,100:0.1`);
  const raw = items.map((item) => {
    const m = /^(\d+)\s*:\s*(\d+(?:\.\d+)?|\.\d+)$/.exec(item);
    if (!m) throw new MixError(`"${item}" in "${text}" is not DOCS:WEIGHT (e.g. 10:0.6)`);
    const docs = Number(m[1]);
    const weight = Number(m[2]);
    if (!(docs > 0)) throw new MixError(`"${item}": documents per request must be at least 1`);
    if (!(weight > 0)) throw new MixError(`"${item}": a weight must be above 0`);
    return { docs, weight };
  });
  const seen = new Set<number>();
  for (const r of raw) {
    if (seen.has(r.docs)) throw new MixError(`"${text}": ${r.docs} documents appears twice`);
    seen.add(r.docs);
  }
  const total = raw.reduce((s, r) => s + r.weight, 0);
  // Weights written as shares (0.6,0.3,0.1) stay as written; float sums miss 1 by an ulp.
  if (Math.abs(total - 1) < 1e-9) return raw;
  return raw.map((r) => ({ docs: r.docs, weight: r.weight / total }));
}

/** The entry a uniform draw `u` in [0, 1) falls on (cumulative weights, in the given order). */
export function pickFromMix(mix: readonly MixEntry[], u: number): number {
  let acc = 0;
  for (const e of mix) {
    acc += e.weight;
    if (u < acc) return e.docs;
  }
  return mix[mix.length - 1]!.docs;
}

/** Mixes a 32-bit seed with a counter (golden-ratio multiply, then a murmur3-style finaliser). */
export function mixSeed(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Seeded pick for the n-th request: the same seed and n always give the same count. */
export function seededPick(mix: readonly MixEntry[], seed: number, n: number): number {
  return pickFromMix(mix, mixSeed(seed, n) / 4294967296);
}

/** `10:0.6,50:0.3,100:0.1`, for reports. */
export function formatMix(mix: readonly MixEntry[]): string {
  return mix.map((e) => `${e.docs}:${+e.weight.toFixed(4)}`).join(",");
}
