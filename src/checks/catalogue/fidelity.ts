import { diagnose, fmt, fmtScore, onScale, orderViolations, scoreDelta, variantsFor } from "../fidelity/compare.js";
import type { FidelityData } from "../fidelity/collect.js";
import { describeTolerance, RELATIVE_TOLERANCE } from "../fidelity/tolerance.js";
import type { CheckContext } from "../context.js";
import { CheckFailure, CheckSkip, type CheckDefinition } from "../types.js";

/** Loading the model and scoring ~100 pairs three ways: a minute or more for a large model on CPU. */
const BUDGET_MS = 300_000;

/** Both checks judge the same data: gathered once per suite file. */
function data(ctx: CheckContext): Promise<FidelityData> {
  const spec = ctx.target.fidelity;
  if (!spec) throw new CheckSkip("no --fidelity MODEL given");
  return ctx.memo("fidelity", async () => (await import("../fidelity/collect.js")).collectFidelity(ctx, spec));
}

const TOLERANCES = Object.entries(RELATIVE_TOLERANCE)
  .map(([p, t]) => `${p} ${t.rtol} (${t.source})`)
  .join("; ");

export const fidelityChecks: CheckDefinition[] = [
  {
    id: "fidelity.scores",
    area: "fidelity",
    level: "MUST",
    statement:
      "Each score is within the precision's tolerance of the same model's own score (--fidelity MODEL, computed locally), on the dialect's score scale.",
    source: `the model itself, run by the harness's onnxruntime reference; relative tolerances on logits: ${TOLERANCES}`,
    skipReason: () => null,
    budgetMs: () => BUDGET_MS,
    async run(ctx) {
      const d = await data(ctx);
      const expected = d.requests.map((r) => r.logits.map((x) => onScale(x, d.scale)));
      const delta = scoreDelta(d.requests, expected, d.scale, d.precision);
      const where = delta.at
        ? ` at ${delta.at.request} document ${delta.at.index} (server ${fmtScore(delta.at.server)}, model ${fmtScore(delta.at.reference)})`
        : "";
      const summary = `largest |Δ| ${fmt(delta.maxAbs)}${where} over ${delta.pairs} pairs on the ${d.scale} scale (${d.scaleNote}); ${describeTolerance(d.precision, d.scale)}`;
      if (delta.over === 0) return summary;
      const diagnosis = diagnose(d.requests, variantsFor(d.requests, d.variants, d.scale), d.scale, d.precision);
      throw new CheckFailure(
        `${delta.over} of ${delta.pairs} scores differ from ${d.model}'s beyond tolerance: ${summary}. Diagnosis: ${diagnosis.text}`,
        d.evidence,
      );
    },
  },
  {
    id: "fidelity.order",
    area: "fidelity",
    level: "MUST",
    statement: "Every two documents whose scores under the same model differ by more than the tolerance keep that order in the server's scores.",
    source:
      "the model itself, run by the harness's onnxruntime reference; a rank-preserving server keeps every order the model is sure of (Kendall tau 1 on those pairs)",
    skipReason: () => null,
    budgetMs: () => BUDGET_MS,
    async run(ctx) {
      const d = await data(ctx);
      const expected = d.requests.map((r) => r.logits.map((x) => onScale(x, d.scale)));
      const { violations, compared } = orderViolations(d.requests, expected, d.scale, d.precision);
      if (violations.length === 0) return `all ${compared} pairs of documents that the model separates by more than the tolerance keep their order`;
      const first = violations
        .slice(0, 3)
        .map(
          (v) =>
            `${v.request}: documents ${v.above} > ${v.below} under the model (${fmtScore(v.reference[0])} vs ${fmtScore(v.reference[1])}), server ${fmtScore(v.server[0])} vs ${fmtScore(v.server[1])}`,
        )
        .join("; ");
      const diagnosis = diagnose(d.requests, variantsFor(d.requests, d.variants, d.scale), d.scale, d.precision);
      throw new CheckFailure(`${violations.length} of ${compared} pairs swap order against ${d.model}: ${first}. Diagnosis: ${diagnosis.text}`, d.evidence);
    },
  },
];
