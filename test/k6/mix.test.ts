import { describe, expect, it } from "vitest";
import { formatMix, MixError, parseMix, pickFromMix, seededPick } from "../../k6/lib/mix.js";

describe("MIX: documents-per-request counts with weights", () => {
  it("parses D:W pairs and normalises the weights", () => {
    expect(parseMix("10:0.6,50:0.3,100:0.1")).toEqual([
      { docs: 10, weight: 0.6 },
      { docs: 50, weight: 0.3 },
      { docs: 100, weight: 0.1 },
    ]);
    expect(parseMix(" 10 : 3 , 50:1 ")).toEqual([
      { docs: 10, weight: 0.75 },
      { docs: 50, weight: 0.25 },
    ]);
    expect(parseMix("5:.5")).toEqual([{ docs: 5, weight: 1 }]);
    expect(formatMix(parseMix("10:2,50:1"))).toBe("10:0.6667,50:0.3333");
  });

  it.each([
    ["", "not a mix"],
    ["10", "not DOCS:WEIGHT"],
    ["10:0.5,", "not a mix"],
    ["0:1", "at least 1"],
    ["10:0", "above 0"],
    ["10:-1", "not DOCS:WEIGHT"],
    ["2.5:1", "not DOCS:WEIGHT"],
    ["10:1,10:2", "appears twice"],
  ])("refuses %j (%s)", (text, message) => {
    expect(() => parseMix(text)).toThrow(MixError);
    expect(() => parseMix(text)).toThrow(message);
  });

  it("picks by cumulative weight, in the given order", () => {
    const mix = parseMix("10:0.6,50:0.3,100:0.1");
    expect([0, 0.59999, 0.60001, 0.89999, 0.90001, 0.99999].map((u) => pickFromMix(mix, u))).toEqual([10, 10, 50, 50, 100, 100]);
  });

  it("a seeded pick is reproducible and sends the weighted shares", () => {
    const mix = parseMix("10:0.6,50:0.3,100:0.1");
    const n = 20_000;
    const picks = Array.from({ length: n }, (_, i) => seededPick(mix, 42, i));
    expect(picks.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => seededPick(mix, 42, i)));
    const share = (d: number) => picks.filter((p) => p === d).length / n;
    // binomial standard error at n = 20000 is ≤ 0.0035; 0.015 is > 4 of them
    expect(share(10)).toBeCloseTo(0.6, 1);
    expect(Math.abs(share(10) - 0.6)).toBeLessThan(0.015);
    expect(Math.abs(share(50) - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(share(100) - 0.1)).toBeLessThan(0.015);
    // another seed, another sequence
    const other = Array.from({ length: 200 }, (_, i) => seededPick(mix, 43, i));
    expect(other).not.toEqual(picks.slice(0, 200));
  });
});
