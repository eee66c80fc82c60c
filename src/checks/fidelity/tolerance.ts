import { z } from "zod";

/** The precision the server computes at; it sets how far its scores may drift from the model's. */
export const Precision = z.enum(["fp32", "fp16", "bf16"]);
export type Precision = z.infer<typeof Precision>;

/** The one scale both sides are compared on: the dialect's score kind. */
export type ScoreScale = "logit" | "probability";

/**
 * Relative tolerance on a logit, per precision, and where the number comes from:
 * - fp32: 1e-3, vLLM's own HF-vs-vLLM classifier test at dtype float
 *   (tests/models/embedding/language/test_cls_models.py: `torch.allclose(hf, vllm, 1e-3)`, rtol).
 * - fp16: 1e-2, vLLM's cross-encoder scoring test at dtype half
 *   (tests/models/language/pooling/test_scoring.py: `math.isclose(hf, vllm, rel_tol=0.01)`).
 * - bf16: 8e-2, the fp16 figure times the ratio of unit roundoffs (bfloat16 2^-8 vs binary16 2^-11).
 */
export const RELATIVE_TOLERANCE: Record<Precision, { rtol: number; source: string }> = {
  fp32: { rtol: 1e-3, source: "vLLM tests/models/embedding/language/test_cls_models.py (dtype float: torch.allclose rtol 1e-3)" },
  fp16: { rtol: 1e-2, source: "vLLM tests/models/language/pooling/test_scoring.py (dtype half: rel_tol 0.01)" },
  bf16: { rtol: 8e-2, source: "the fp16 tolerance × 8, the ratio of bfloat16's unit roundoff (2^-8) to binary16's (2^-11)" },
};

/**
 * How far a score may be from the reference's `ref` (on `scale`). On logits: rtol × max(1, |ref|),
 * so logits near 0 get an absolute floor. On probabilities: rtol / 4, because the sigmoid's slope
 * is at most 1/4, so a logit error ε moves the probability by at most ε/4.
 */
export function toleranceFor(precision: Precision, scale: ScoreScale, ref: number): number {
  const { rtol } = RELATIVE_TOLERANCE[precision];
  return scale === "probability" ? rtol / 4 : rtol * Math.max(1, Math.abs(ref));
}

/** One line for reports: the rule and its source. */
export function describeTolerance(precision: Precision, scale: ScoreScale): string {
  const { rtol, source } = RELATIVE_TOLERANCE[precision];
  const rule = scale === "probability" ? `${rtol / 4} on probabilities (${rtol} on logits ÷ 4, the sigmoid's largest slope)` : `${rtol} × max(1, |logit|)`;
  return `${precision} tolerance ${rule}; source: ${source}`;
}
