/**
 * compare preflights each target once: its own preflight (a TargetStartError when the target
 * cannot answer) is handed to the conformance run, which used to send a second one.
 */
import { describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ preflight: 0, preflightTarget: 0 }));

vi.mock("../../src/targets/preflight.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/targets/preflight.js")>();
  return {
    ...actual,
    preflight: (...args: Parameters<typeof actual.preflight>) => {
      calls.preflight++;
      return actual.preflight(...args);
    },
    preflightTarget: (...args: Parameters<typeof actual.preflightTarget>) => {
      calls.preflightTarget++;
      return actual.preflightTarget(...args);
    },
  };
});

describe("compare", () => {
  it("sends the preflight once per target, not again before the checks", async () => {
    const { runCompare } = await import("../../src/index.js");
    const report = await runCompare(["embedded"], { skipLoad: true, checks: { only: ["schema.content_type"], fuzz: 0 } });
    expect(report.targets[0]?.error).toBeUndefined();
    expect(report.targets[0]?.conformance?.checks.map((o) => [o.id, o.status])).toEqual([["schema.content_type", "pass"]]);
    expect(calls).toEqual({ preflight: 0, preflightTarget: 1 });
  }, 240_000);
});
