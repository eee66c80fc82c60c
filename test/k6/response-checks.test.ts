import { describe, expect, it } from "vitest";
import { checkResponse, expectedResultCount, type ResponseExpectation } from "../../src/load/response-checks.js";
import type { RerankOutput } from "../../src/contract/common.js";

const ok = (results: RerankOutput["results"]): RerankOutput => ({ results });
const byId = (checks: ReturnType<typeof checkResponse>) => Object.fromEntries(checks.map((c) => [c.id, c]));
const exp = (over: Partial<ResponseExpectation> = {}): ResponseExpectation => ({ docs: 3, scoreKind: "probability", ...over });

describe("checkResponse", () => {
  it("passes a complete, sorted answer with scores in [0, 1]", () => {
    const checks = checkResponse(
      ok([
        { index: 2, score: 0.9 },
        { index: 0, score: 0.5 },
        { index: 1, score: 0.5 },
      ]),
      exp(),
    );
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ["count", true],
      ["sorted", true],
      ["indices", true],
      ["scores", true],
    ]);
    expect(checks.every((c) => c.detail === undefined)).toBe(true);
  });

  it("fails the count when documents are missing, or when top_n is not honoured", () => {
    expect(byId(checkResponse(ok([{ index: 0, score: 1 }]), exp())).count).toMatchObject({ ok: false, detail: "expected 3 results, got 1" });
    const all = ok([
      { index: 0, score: 0.3 },
      { index: 1, score: 0.2 },
      { index: 2, score: 0.1 },
    ]);
    expect(byId(checkResponse(all, exp({ topN: 2 }))).count!.ok).toBe(false);
    expect(byId(checkResponse(all, exp({ topN: 5 }))).count!.ok).toBe(true);
  });

  it("fails the order when a later result scores higher", () => {
    const c = byId(
      checkResponse(
        ok([
          { index: 0, score: 0.1 },
          { index: 1, score: 0.7 },
          { index: 2, score: 0.05 },
        ]),
        exp(),
      ),
    );
    expect(c.sorted).toMatchObject({ ok: false });
    expect(c.sorted!.detail).toContain("result 1");
  });

  it("fails duplicated and out-of-range indices", () => {
    expect(
      byId(
        checkResponse(
          ok([
            { index: 0, score: 1 },
            { index: 0, score: 1 },
            { index: 1, score: 0 },
          ]),
          exp(),
        ),
      ).indices!.detail,
    ).toBe("index 0 appears twice");
    expect(
      byId(
        checkResponse(
          ok([
            { index: 3, score: 1 },
            { index: 0, score: 1 },
            { index: 1, score: 0 },
          ]),
          exp(),
        ),
      ).indices!.detail,
    ).toBe("index 3 is outside 0..2");
    expect(
      byId(
        checkResponse(
          ok([
            { index: -1, score: 1 },
            { index: 0, score: 1 },
            { index: 1, score: 0 },
          ]),
          exp(),
        ),
      ).indices!.ok,
    ).toBe(false);
  });

  it("holds probabilities to [0, 1] but logits only to finite values", () => {
    const logits = ok([
      { index: 0, score: 7.5 },
      { index: 1, score: -3 },
      { index: 2, score: -9 },
    ]);
    expect(byId(checkResponse(logits, exp())).scores).toMatchObject({ ok: false, detail: "score 7.5 is outside the [0, 1] range" });
    expect(byId(checkResponse(logits, exp({ scoreKind: "logit" }))).scores!.ok).toBe(true);
    expect(byId(checkResponse(logits, exp({ scoreKind: "any" }))).scores!.ok).toBe(true);
    const nan = ok([
      { index: 0, score: Number.NaN },
      { index: 1, score: 0 },
      { index: 2, score: 0 },
    ]);
    expect(byId(checkResponse(nan, exp({ scoreKind: "any" }))).scores!.ok).toBe(false);
    // float32 sigmoid can round a hair past 1
    expect(
      byId(
        checkResponse(
          ok([
            { index: 0, score: 1.0000001 },
            { index: 1, score: 0 },
            { index: 2, score: 0 },
          ]),
          exp(),
        ),
      ).scores!.ok,
    ).toBe(true);
  });

  it("checks echoed documents only when asked", () => {
    const sent = ["a", "b", "c"];
    const echoed = ok([
      { index: 1, score: 0.9, document: "b" },
      { index: 0, score: 0.4, document: "a" },
      { index: 2, score: 0.1, document: "c" },
    ]);
    expect(checkResponse(echoed, exp()).some((c) => c.id === "echo")).toBe(false);
    expect(byId(checkResponse(echoed, exp({ echoOf: sent }))).echo!.ok).toBe(true);
    const wrong = ok([
      { index: 1, score: 0.9, document: "a" },
      { index: 0, score: 0.4 },
      { index: 2, score: 0.1, document: "c" },
    ]);
    expect(byId(checkResponse(wrong, exp({ echoOf: sent }))).echo!.detail).toBe("result for index 1 echoes a different document");
  });

  it("expects min(top_n, docs) results, ignoring a non-positive top_n", () => {
    expect(expectedResultCount(10)).toBe(10);
    expect(expectedResultCount(10, 3)).toBe(3);
    expect(expectedResultCount(10, 30)).toBe(10);
    expect(expectedResultCount(10, 0)).toBe(10);
  });
});
