// Ranking agreement between two targets on the same labelled query sets. Pure functions: the
// scores come from `collect.ts`, the labels from fixtures/relevance.json.
import { COMPARE_SCORE_SCALE, onCompareScale, type ObservedScoreKind } from "./score-scale.js";

/** One query's scores from one target, indexed by document (undefined: the set failed). */
export type SetScores = readonly number[] | undefined;

export interface PairAgreement {
  /** Labels of the two targets; `a` is the baseline (the first target). */
  a: string;
  b: string;
  /** Sets both targets scored in full. */
  sets: number;
  /** Share of those sets where both put the same document first. */
  top1: number | null;
  /** Kendall tau-b between the two score vectors, averaged over sets (null: no set had a defined tau). */
  kendall_tau: number | null;
  /** Mean |score_a − score_b| over every document, on `score_scale`; only when both serve the same model. */
  mean_abs_delta_score?: number | null;
  /** The scale of `mean_abs_delta_score` (beside it): always probability, logits mapped by the sigmoid. */
  score_scale?: typeof COMPARE_SCORE_SCALE;
  /** What each target returned before mapping to `score_scale`. */
  score_kinds?: { a: ObservedScoreKind; b: ObservedScoreKind };
}

/** Document indices from best to worst: by score, ties by input order (deterministic). */
export function rankOrder(scores: readonly number[]): number[] {
  return scores
    .map((score, index) => ({ score, index }))
    .sort((x, y) => y.score - x.score || x.index - y.index)
    .map((r) => r.index);
}

/**
 * Kendall's tau-b: (concordant − discordant) / √((n0 − ties_a)(n0 − ties_b)), which stays in
 * [−1, 1] when either side has tied scores. Null when undefined (fewer than two documents, or
 * one side gives every document the same score).
 */
export function kendallTauB(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length) throw new RangeError(`kendallTauB: lengths differ (${a.length} vs ${b.length})`);
  const n = a.length;
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0) tiesA++;
      if (db === 0) tiesB++;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((n0 - tiesA) * (n0 - tiesB));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}

/** Same document first? */
export function sameTop1(a: readonly number[], b: readonly number[]): boolean {
  return rankOrder(a)[0] === rankOrder(b)[0];
}

export function meanAbsDelta(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** One target's scores and what kind they are (default probability). */
export interface ScoredTarget {
  label: string;
  sets: readonly SetScores[];
  scoreKind?: ObservedScoreKind;
}

/**
 * Agreement of `b` with baseline `a` over the sets both scored in full. Rank agreement is the
 * same on any monotone scale; the score delta is taken on the probability scale.
 */
export function pairAgreement(a: ScoredTarget, b: ScoredTarget, options: { sameModel: boolean }): PairAgreement {
  const kindA = a.scoreKind ?? "probability";
  const kindB = b.scoreKind ?? "probability";
  const scaledA = onCompareScale(kindA, a.sets);
  const scaledB = onCompareScale(kindB, b.sets);
  let sets = 0;
  let top1 = 0;
  let tauSum = 0;
  let tauCount = 0;
  let deltaSum = 0;
  let deltaCount = 0;
  const count = Math.min(a.sets.length, b.sets.length);
  for (let i = 0; i < count; i++) {
    // Ranks from the scores as returned (a sigmoid saturates large logits into ties); deltas on one scale.
    const sa = a.sets[i];
    const sb = b.sets[i];
    if (!sa || !sb || sa.length !== sb.length || sa.length === 0) continue;
    const pa = scaledA[i]!;
    const pb = scaledB[i]!;
    sets++;
    if (sameTop1(sa, sb)) top1++;
    const tau = kendallTauB(sa, sb);
    if (tau !== null) {
      tauSum += tau;
      tauCount++;
    }
    for (let d = 0; d < pa.length; d++) deltaSum += Math.abs(pa[d]! - pb[d]!);
    deltaCount += sa.length;
  }
  return {
    a: a.label,
    b: b.label,
    sets,
    top1: sets ? top1 / sets : null,
    kendall_tau: tauCount ? tauSum / tauCount : null,
    ...(options.sameModel
      ? { mean_abs_delta_score: deltaCount ? deltaSum / deltaCount : null, score_scale: COMPARE_SCORE_SCALE, score_kinds: { a: kindA, b: kindB } }
      : {}),
  };
}

/** How well one target's ranking matches the labels: hit@1 and mean reciprocal rank of the first relevant document. */
export interface LabelAgreement {
  sets: number;
  hit_at_1: number | null;
  mrr: number | null;
}

export function labelAgreement(sets: readonly SetScores[], relevant: readonly (readonly number[])[]): LabelAgreement {
  let scored = 0;
  let hits = 0;
  let rrSum = 0;
  sets.forEach((scores, i) => {
    const labels = relevant[i];
    if (!scores || !labels || labels.length === 0) return;
    scored++;
    const order = rankOrder(scores);
    const firstRelevant = order.findIndex((doc) => labels.includes(doc));
    if (firstRelevant === 0) hits++;
    if (firstRelevant >= 0) rrSum += 1 / (firstRelevant + 1);
  });
  return { sets: scored, hit_at_1: scored ? hits / scored : null, mrr: scored ? rrSum / scored : null };
}
