// Score deltas between targets mean something only on one scale. Dialects return either a
// probability (vLLM, TEI, Infinity, Cohere: a sigmoid of the model's logit) or the raw logit
// (llama.cpp's rank pooling); Jina's contract allows either. Subtracting one from the other
// measured the sigmoid, not the servers, so every target is mapped to probabilities first.
import type { ScoreKind } from "../contract/dialect.js";
import { sigmoid } from "../reference/activation.js";

/** The one scale `compare` reports score deltas on. */
export const COMPARE_SCORE_SCALE = "probability";

/** What a target's scores were, as reported beside each delta. */
export type ObservedScoreKind = "probability" | "logit";

/** Per query set, the score of every document (undefined: the set failed); as in agreement.ts. */
type Sets = readonly (readonly number[] | undefined)[];

/**
 * The kind of a target's scores: the dialect's, or for a dialect that allows both ("any"), read
 * from the scores themselves: any score outside [0, 1] cannot be a probability.
 */
export function observedScoreKind(dialectKind: ScoreKind, sets: Sets): ObservedScoreKind {
  if (dialectKind !== "any") return dialectKind;
  const outsideUnit = sets.some((set) => set?.some((s) => s < 0 || s > 1));
  return outsideUnit ? "logit" : "probability";
}

/** The sets on the compare scale: logits go through the sigmoid, probabilities stay. */
export function onCompareScale(kind: ObservedScoreKind, sets: Sets): (readonly number[] | undefined)[] {
  if (kind === "probability") return [...sets];
  return sets.map((set) => set?.map(sigmoid));
}
