// A workload mix: documents-per-request counts with weights, `MIX=10:0.6,50:0.3,100:0.1`, parsed
// by the same module as `rerank-harness load --mix` (free of Node APIs and zod, so the k6 bundles
// parse it in init context). What is k6's own is the seeding: each request's pick comes from the
// run seed and its iteration number, so every runner of a distributed run agrees on it.
import { pickComponent, type MixComponent } from "../../src/load/mix.js";

export { formatMix, MixError, parseMix, type MixComponent as MixEntry } from "../../src/load/mix.js";

/** The documents count a uniform draw `u` in [0, 1) falls on (cumulative weights, in the given order). */
export function pickFromMix(mix: readonly MixComponent[], u: number): number {
  return mix[pickComponent(mix, u)]!.docs;
}

/** Mixes a 32-bit seed with a counter (golden-ratio multiply, then a murmur3-style finaliser). */
export function mixSeed(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Seeded pick for the n-th request: the same seed and n always give the same count. */
export function seededPick(mix: readonly MixComponent[], seed: number, n: number): number {
  return pickFromMix(mix, mixSeed(seed, n) / 4294967296);
}
