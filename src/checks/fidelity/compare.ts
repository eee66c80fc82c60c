import { sigmoid } from "../../reference/activation.js";
import { toleranceFor, type Precision, type ScoreScale } from "./tolerance.js";

/** One request's documents: the server's scores and the model's raw logits, by document index. */
export interface ScoredRequest {
  label: string;
  query: string;
  documents: string[];
  server: number[];
  /** The model's own raw scores (logits). */
  logits: number[];
}

/** The model's logits recomputed the way a known server fault computes them. */
export interface VariantLogits {
  zeroTokenTypes?: number[][];
  /** Truncated to the server's reported input limit (absent when it reports none below the model's). */
  truncated?: { limit: number; logits: number[][] };
}

export function onScale(logit: number, scale: ScoreScale): number {
  return scale === "probability" ? sigmoid(logit) : logit;
}

export interface Delta {
  maxAbs: number;
  /** Where the largest difference is. */
  at: { request: string; index: number; server: number; reference: number; tolerance: number } | undefined;
  /** Pairs over their tolerance. */
  over: number;
  pairs: number;
}

/** Largest |server − expected| over every document, and how many exceed their tolerance. */
export function scoreDelta(requests: readonly ScoredRequest[], expected: readonly number[][], scale: ScoreScale, precision: Precision): Delta {
  let best: Delta = { maxAbs: 0, at: undefined, over: 0, pairs: 0 };
  requests.forEach((r, i) => {
    r.server.forEach((s, j) => {
      const ref = expected[i]?.[j] ?? Number.NaN;
      const d = Math.abs(s - ref);
      const tolerance = toleranceFor(precision, scale, ref);
      best.pairs++;
      if (!(d <= tolerance)) best.over++;
      if (!(d <= best.maxAbs)) best = { ...best, maxAbs: d, at: { request: r.label, index: j, server: s, reference: ref, tolerance } };
    });
  });
  return best;
}

export interface OrderViolation {
  request: string;
  /** Document indexes: the reference puts `above` over `below` by more than the tolerance. */
  above: number;
  below: number;
  reference: [number, number];
  server: [number, number];
}

/** Every pair of documents whose expected scores differ by more than the tolerance and whose server order is not the same. */
export function orderViolations(
  requests: readonly ScoredRequest[],
  expected: readonly number[][],
  scale: ScoreScale,
  precision: Precision,
): { violations: OrderViolation[]; compared: number } {
  const violations: OrderViolation[] = [];
  let compared = 0;
  requests.forEach((r, i) => {
    const ref = expected[i] ?? [];
    for (let a = 0; a < r.server.length; a++) {
      for (let b = a + 1; b < r.server.length; b++) {
        const ra = ref[a] ?? Number.NaN;
        const rb = ref[b] ?? Number.NaN;
        const tolerance = Math.max(toleranceFor(precision, scale, ra), toleranceFor(precision, scale, rb));
        if (!(Math.abs(ra - rb) > tolerance)) continue;
        compared++;
        const [hi, lo] = ra > rb ? [a, b] : [b, a];
        if (!((r.server[hi] ?? Number.NaN) > (r.server[lo] ?? Number.NaN))) {
          violations.push({ request: r.label, above: hi, below: lo, reference: [ref[hi]!, ref[lo]!], server: [r.server[hi]!, r.server[lo]!] });
        }
      }
    }
  });
  return { violations, compared };
}

/** A known way a server computes something other than the model: what it would return, and its upstream source. */
export interface Variant {
  id: "token_types_zeroed" | "double_sigmoid" | "other_score_kind" | "truncated";
  /** Completes "matches the model …". */
  description: string;
  source: string;
  expected: number[][];
}

/** The variants a server's scores are tested against when they do not match the model. */
export function variantsFor(requests: readonly ScoredRequest[], variants: VariantLogits, scale: ScoreScale): Variant[] {
  const map = (rows: readonly number[][], f: (x: number) => number) => rows.map((row) => row.map(f));
  const logits = requests.map((r) => r.logits);
  const out: Variant[] = [];
  if (variants.zeroTokenTypes) {
    out.push({
      id: "token_types_zeroed",
      description: "with token types zeroed (the document fed as segment A, like the query)",
      source: 'llama.cpp PR #21729; llama.cpp src/models/bert.cpp "token types are hardcoded to zero" (v0.4.0); elixir-nx/bumblebee#444',
      expected: map(variants.zeroTokenTypes, (x) => onScale(x, scale)),
    });
  }
  out.push({
    id: "double_sigmoid",
    description: "with the sigmoid applied twice",
    source: "node-llama-cpp#617 (a second sigmoid over already-activated rerank scores)",
    expected: map(logits, (x) => sigmoid(sigmoid(x))),
  });
  out.push({
    id: "other_score_kind",
    description:
      scale === "probability"
        ? "as raw logits, where the dialect documents probabilities"
        : "as probabilities (sigmoid), where the dialect documents raw logits",
    source: "llama.cpp#8555 (rank pooling returns raw logits; other servers apply the sigmoid): the kind is per server and per flag",
    expected: map(logits, (x) => (scale === "probability" ? x : sigmoid(x))),
  });
  if (variants.truncated) {
    out.push({
      id: "truncated",
      description: `with input truncated to the server's reported limit of ${variants.truncated.limit} tokens`,
      source: "the limit the server reports (vLLM max_model_len, TEI max_input_length, llama.cpp n_ctx); vllm truncate_prompt_tokens",
      expected: map(variants.truncated.logits, (x) => onScale(x, scale)),
    });
  }
  return out;
}

export interface Diagnosis {
  /** The variant that explains the server's scores, if one does. */
  match?: Variant;
  /** "matches the model with token types zeroed (llama.cpp PR #21729; …)" or why none does. */
  text: string;
}

/** Which variant the server's scores match within tolerance (the closest one if several do). */
export function diagnose(requests: readonly ScoredRequest[], variants: readonly Variant[], scale: ScoreScale, precision: Precision): Diagnosis {
  const ranked = variants.map((v) => ({ v, d: scoreDelta(requests, v.expected, scale, precision) })).sort((a, b) => a.d.maxAbs - b.d.maxAbs);
  const hit = ranked.find((x) => x.d.over === 0);
  if (hit)
    return { match: hit.v, text: `the server's scores match the model ${hit.v.description}: ${hit.v.source}; largest |Δ| against it ${fmt(hit.d.maxAbs)}` };
  const tried = ranked.map((x) => `${x.v.id} |Δ| ${fmt(x.d.maxAbs)}`).join(", ");
  return {
    text: `no known variant explains the difference (tried ${tried}): the server may be serving another model, or another revision of it`,
  };
}

/** Differences: 3 significant digits, small ones in exponent form. */
export const fmt = (x: number) => (!Number.isFinite(x) ? String(x) : x === 0 ? "0" : Math.abs(x) < 1e-2 ? x.toExponential(2) : x.toPrecision(3));

/** Scores: enough digits to tell close ones apart. */
export const fmtScore = (x: number) => (Number.isFinite(x) ? x.toPrecision(5) : String(x));
