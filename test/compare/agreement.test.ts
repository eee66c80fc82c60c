import { describe, expect, it } from "vitest";
import { kendallTauB, labelAgreement, meanAbsDelta, pairAgreement, rankOrder, sameTop1 } from "../../src/compare/agreement.js";
import { observedScoreKind } from "../../src/compare/score-scale.js";

describe("kendallTauB", () => {
  it("is 1 for the same order, −1 for the reverse, whatever the scale", () => {
    expect(kendallTauB([0.9, 0.5, 0.1, 0.3], [9, 5, 1, 3])).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
  });

  it("matches a hand-computed value with one swapped pair", () => {
    // 4 items, 6 pairs, one discordant: (5 − 1) / 6
    expect(kendallTauB([4, 3, 2, 1], [4, 3, 1, 2])).toBeCloseTo(4 / 6, 12);
  });

  it("handles ties with the tau-b denominator (scipy.stats.kendalltau gives 0.912870929175277)", () => {
    // a = [1,2,2,3], b = [1,2,3,4]: C = 5, D = 0, ties_a = 1 → 5 / √(5·6)
    expect(kendallTauB([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
    expect(kendallTauB([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.912870929175277, 12);
  });

  it("is undefined (null) when one side gives every document the same score or there is one document", () => {
    expect(kendallTauB([0.5, 0.5, 0.5], [1, 2, 3])).toBeNull();
    expect(kendallTauB([1], [2])).toBeNull();
    expect(() => kendallTauB([1, 2], [1])).toThrow(RangeError);
  });
});

describe("rank helpers", () => {
  it("orders by score, ties by input order", () => {
    expect(rankOrder([0.2, 0.9, 0.2, 0.5])).toEqual([1, 3, 0, 2]);
    expect(sameTop1([0.1, 0.8, 0.3], [1, 5, 4])).toBe(true);
    expect(sameTop1([0.1, 0.8, 0.3], [1, 4, 5])).toBe(false);
    expect(meanAbsDelta([0.1, 0.5], [0.2, 0.2])).toBeCloseTo(0.2, 12);
  });
});

describe("pairAgreement", () => {
  const base = { label: "A", sets: [[0.9, 0.1, 0.5], [0.2, 0.8, 0.1], [0.3, 0.2, 0.9], undefined] };

  it("identical scores agree fully, with zero score difference when the model is the same", () => {
    const r = pairAgreement(base, { label: "B", sets: base.sets }, { sameModel: true });
    expect(r).toEqual({
      a: "A",
      b: "B",
      sets: 3,
      top1: 1,
      kendall_tau: 1,
      mean_abs_delta_score: 0,
      score_scale: "probability",
      score_kinds: { a: "probability", b: "probability" },
    });
  });

  it("counts top-1 disagreements, averages tau over sets, skips failed sets, omits Δscore across models", () => {
    const other = {
      label: "C",
      sets: [
        [0.9, 0.1, 0.5],
        [0.8, 0.2, 0.1],
        [0.1, 0.2, 0.3],
        [1, 2, 3],
      ],
    };
    const r = pairAgreement(base, other, { sameModel: false });
    expect(r.sets).toBe(3);
    expect(r.top1).toBeCloseTo(2 / 3, 12);
    // set 1: tau 1; set 2: order [1,0,2] vs [0,1,2] → (2−1)/3; set 3: [2,0,1] vs [2,1,0] → (2−1)/3
    expect(r.kendall_tau).toBeCloseTo((1 + 1 / 3 + 1 / 3) / 3, 12);
    expect(r).not.toHaveProperty("mean_abs_delta_score");
  });

  it("reports nulls when no set could be compared", () => {
    expect(pairAgreement({ label: "A", sets: [undefined] }, { label: "B", sets: [[1, 2]] }, { sameModel: true })).toEqual({
      a: "A",
      b: "B",
      sets: 0,
      top1: null,
      kendall_tau: null,
      mean_abs_delta_score: null,
      score_scale: "probability",
      score_kinds: { a: "probability", b: "probability" },
    });
  });

  it("takes the score delta on the probability scale: a logit target is mapped through the sigmoid", () => {
    // The same model behind a probability dialect (vLLM) and a logit dialect (llama.cpp).
    const logits = [
      [-0.5694, -0.5589, -0.5517],
      [2, -3, 0.25],
    ];
    const probabilities = logits.map((set) => set.map((x) => 1 / (1 + Math.exp(-x))));
    const probs = { label: "P", sets: probabilities, scoreKind: "probability" as const };
    const raw = { label: "L", sets: logits, scoreKind: "logit" as const };
    const r = pairAgreement(probs, raw, { sameModel: true });
    expect(r.mean_abs_delta_score).toBeCloseTo(0, 12);
    expect(r.score_kinds).toEqual({ a: "probability", b: "logit" });
    expect(r.kendall_tau).toBe(1);
    // Without the mapping the delta is the sigmoid's own offset, about 0.9 here.
    const unmapped = pairAgreement(probs, { ...raw, scoreKind: "probability" }, { sameModel: true });
    expect(unmapped.mean_abs_delta_score).toBeGreaterThan(0.5);
  });

  it("ranks from the scores as returned, so large logits that saturate the sigmoid are not tied", () => {
    const r = pairAgreement(
      { label: "A", sets: [[50, 40, 45]], scoreKind: "logit" },
      { label: "B", sets: [[50, 45, 40]], scoreKind: "logit" },
      { sameModel: true },
    );
    expect(r.kendall_tau).toBeCloseTo(1 / 3, 12);
  });
});

describe("observedScoreKind", () => {
  it("keeps a dialect's promised kind, and reads 'any' from the scores: outside [0, 1] means logits", () => {
    expect(observedScoreKind("logit", [[0.2, 0.4]])).toBe("logit");
    expect(observedScoreKind("probability", [[3, 4]])).toBe("probability");
    expect(observedScoreKind("any", [[0.2, 0.9], undefined])).toBe("probability");
    expect(
      observedScoreKind("any", [
        [0.2, 0.9],
        [-1.5, 0.3],
      ]),
    ).toBe("logit");
    expect(observedScoreKind("any", [[1.2]])).toBe("logit");
  });
});

describe("labelAgreement", () => {
  it("hit@1 and MRR against the labelled relevant document", () => {
    const r = labelAgreement([[0.1, 0.9, 0.2], [0.9, 0.1, 0.5], undefined], [[1], [2], [0]]);
    expect(r).toEqual({ sets: 2, hit_at_1: 0.5, mrr: (1 + 1 / 2) / 2 });
  });
});
