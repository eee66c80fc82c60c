import { HarnessError } from "../util/errors.js";
// Mixed workloads: documents-per-request counts with weights, `--mix 10:0.6,50:0.3,100:0.1`.
// Free of Node APIs on purpose: the k6 bundles can import it and send the same mix.

export interface MixComponent {
  /** Documents per request. */
  docs: number;
  /** Share of requests, normalised so the weights sum to 1. */
  weight: number;
}

export class MixError extends HarnessError {
  readonly code = "RH_MIX";
  readonly kind = "usage";
}

/**
 * Parses `D:W,D:W,…`: positive integer document counts, each once, with positive weights.
 * Weights need not sum to 1 (6:3:1 works); they are normalised.
 */
export function parseMix(text: string): MixComponent[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new MixError(`"${text}" is not a mix: give DOCS:WEIGHT pairs, e.g. 10:0.6,50:0.3,100:0.1`);
  const raw = items.map((item) => {
    const m = /^(\d+)\s*:\s*(\d+(?:\.\d*)?|\.\d+)$/.exec(item);
    if (!m) throw new MixError(`"${item}" in "${text}" is not DOCS:WEIGHT (e.g. 10:0.6)`);
    const docs = Number(m[1]);
    const weight = Number(m[2]);
    if (docs < 1) throw new MixError(`"${item}": documents per request must be at least 1`);
    if (!(weight > 0)) throw new MixError(`"${item}": a weight must be above 0`);
    return { docs, weight };
  });
  const seen = new Set<number>();
  for (const c of raw) {
    if (seen.has(c.docs)) throw new MixError(`"${text}": ${c.docs} documents appears twice`);
    seen.add(c.docs);
  }
  return normaliseMix(raw);
}

export function normaliseMix(mix: readonly MixComponent[]): MixComponent[] {
  if (mix.length === 0) throw new MixError("a mix needs at least one DOCS:WEIGHT");
  const total = mix.reduce((a, c) => a + c.weight, 0);
  // Weights written as shares (0.6,0.3,0.1) stay as written; float sums miss 1 by an ulp.
  if (Math.abs(total - 1) < 1e-9) return mix.map((c) => ({ ...c }));
  return mix.map((c) => ({ docs: c.docs, weight: c.weight / total }));
}

/** `10:0.6,50:0.3,100:0.1` (weights to 4 decimals). */
export function formatMix(mix: readonly MixComponent[]): string {
  return mix.map((c) => `${c.docs}:${Number(c.weight.toFixed(4))}`).join(",");
}

/** The component a uniform draw `u` in [0, 1) selects, by cumulative weight. */
export function pickComponent(mix: readonly MixComponent[], u: number): number {
  let acc = 0;
  for (let i = 0; i < mix.length; i++) {
    acc += mix[i]!.weight;
    if (u < acc) return i;
  }
  return mix.length - 1;
}

/** `n` component indices drawn with the mix's weights from `rng` (seeded: same seed, same sequence). */
export function mixSequence(mix: readonly MixComponent[], n: number, rng: () => number): number[] {
  return Array.from({ length: n }, () => pickComponent(mix, rng()));
}

/** Mean documents per request. */
export function meanDocs(mix: readonly MixComponent[]): number {
  return mix.reduce((a, c) => a + c.docs * c.weight, 0);
}

/**
 * The rate at which the mix uses the same capacity as the per-count target rates: each request
 * of count d costs 1 / rps(d) of a second, so R = 1 / Σ wᵢ / rpsᵢ.
 */
export function mixRate(mix: readonly MixComponent[], rpsFor: (docs: number) => number | undefined): number | undefined {
  let cost = 0;
  for (const c of mix) {
    const rps = rpsFor(c.docs);
    if (rps === undefined) return undefined;
    cost += c.weight / rps;
  }
  return 1 / cost;
}
