/**
 * mulberry32: a small, fast, well-distributed 32-bit PRNG. Same seed, same sequence on every
 * platform, which the fixture builds (byte-identical weights), the seeded workloads and the
 * replayable shuffles of the checks all rely on. Free of Node APIs (the k6 bundles use it).
 */
// @ts-nocheck

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
