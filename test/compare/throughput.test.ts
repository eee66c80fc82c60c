import { describe, expect, it } from "vitest";
import type { CompareTargetResult } from "../../src/compare/report.js";
import { throughputFromLoad } from "../../src/compare/throughput.js";

const scenario = (docs: number, offered: number | null, achieved: number) => ({ docs, offered_rps: offered, achieved_rps: achieved });
const target = (load: unknown) => ({ label: "t", spec: "t", dialect: "vllm", load }) as unknown as CompareTargetResult;

describe("throughput for hourly prices", () => {
  it("takes each scenario's achieved rate, marking runs that achieved what they offered", () => {
    expect(throughputFromLoad(target({ scenarios: [scenario(10, 20, 19.5), scenario(50, 20, 8), scenario(100, null, 3), scenario(200, 5, 0)] }))).toEqual([
      { docs: 10, rps: 19.5, source: "achieved", offered_bound: true },
      { docs: 50, rps: 8, source: "achieved" },
      { docs: 100, rps: 3, source: "achieved" },
    ]);
  });

  it("prefers load --find-max capacity where the load report has it", () => {
    const load = {
      scenarios: [scenario(10, 20, 20), scenario(50, 20, 8)],
      capacity: [
        { docs: 10, max_rps: 140, steps: [] },
        { docs: 100, max_rps: null, steps: [] },
      ],
    };
    expect(throughputFromLoad(target(load))).toEqual([
      { docs: 10, rps: 140, source: "capacity" },
      { docs: 50, rps: 8, source: "achieved" },
    ]);
  });

  it("no load report: nothing", () => {
    expect(throughputFromLoad(target(undefined))).toEqual([]);
  });
});
