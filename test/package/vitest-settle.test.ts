import { describe, expect, it, vi } from "vitest";
import { settle } from "../../src/vitest/index.js";
import type { CheckOutcome } from "../../src/checks/types.js";

const outcome = (status: CheckOutcome["status"], message?: string): CheckOutcome => ({
  id: "sort.descending",
  area: "sort",
  level: "MUST",
  statement: "results are sorted by score, highest first",
  source: "test",
  status,
  ...(message ? { message } : {}),
  duration_ms: 1,
});

describe("how a check outcome shows in the user's vitest", () => {
  const context = () => ({ skip: vi.fn(), annotate: vi.fn(async () => ({}) as never) });

  it("pass: nothing", () => {
    const t = context();
    settle(outcome("pass"), t as never);
    expect(t.skip).not.toHaveBeenCalled();
    expect(t.annotate).not.toHaveBeenCalled();
  });

  it("fail: throws the check's failure text", () => {
    expect(() => settle(outcome("fail", "result 0 scored below result 1"), context() as never)).toThrow(
      /sort\.descending[\s\S]*result 0 scored below result 1/,
    );
  });

  it("skip: vitest's skip with the reason", () => {
    const t = context();
    settle(outcome("skip", "no API key in $RERANK_API_KEY"), t as never);
    expect(t.skip).toHaveBeenCalledWith("no API key in $RERANK_API_KEY");
  });

  it("warn: passes with an annotation", () => {
    const t = context();
    settle(outcome("warn", "no usage block"), t as never);
    expect(t.annotate).toHaveBeenCalledWith("warning: no usage block", "warning");
  });
});
