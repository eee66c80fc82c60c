import { describe, expect, it } from "vitest";
import { ArrivalSchedule } from "../../src/load/arrival.js";
import { formatMix, meanDocs, mixRate, mixSequence, MixError, parseMix, pickComponent } from "../../src/load/mix.js";
import { createRng } from "../../src/load/workload.js";

function offsets(s: ArrivalSchedule): number[] {
  const out: number[] = [];
  for (let t = s.next(); t !== undefined; t = s.next()) out.push(t);
  return out;
}

describe("arrival schedules", () => {
  it("uniform: request i at i / rate, exactly rate × window requests", () => {
    const t = offsets(new ArrivalSchedule("uniform", 50, 2_000, 1));
    expect(t).toHaveLength(100);
    expect(t[0]).toBe(0);
    expect(t[99]).toBeCloseTo(1980, 9);
  });

  it("poisson: exponential gaps with mean 1/rate and variance 1/rate², seeded", () => {
    const rate = 200;
    const t = offsets(new ArrivalSchedule("poisson", rate, 200_000, 42));
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    const n = gaps.length;
    const mean = gaps.reduce((a, b) => a + b, 0) / n;
    const variance = gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    // ~40,000 gaps: the sample mean is within 1.5% and the variance within 5% of an exponential's.
    expect(n).toBeGreaterThan(39_000);
    expect(mean).toBeGreaterThan(5 * 0.985);
    expect(mean).toBeLessThan(5 * 1.015);
    expect(variance).toBeGreaterThan(25 * 0.95);
    expect(variance).toBeLessThan(25 * 1.05);
    // Counts per second are Poisson(rate): their variance equals their mean (a uniform schedule's is 0).
    const perSecond = new Array<number>(200).fill(0);
    for (const x of t) perSecond[Math.floor(x / 1000)]!++;
    const m = perSecond.reduce((a, b) => a + b, 0) / perSecond.length;
    const v = perSecond.reduce((a, b) => a + (b - m) ** 2, 0) / (perSecond.length - 1);
    expect(v / m).toBeGreaterThan(0.7);
    expect(v / m).toBeLessThan(1.3);
    // Same seed, same schedule; another seed, another one; nothing at or past the window's end.
    expect(offsets(new ArrivalSchedule("poisson", rate, 200_000, 42))).toEqual(t);
    expect(offsets(new ArrivalSchedule("poisson", rate, 200_000, 43)).slice(0, 5)).not.toEqual(t.slice(0, 5));
    expect(Math.max(...t)).toBeLessThan(200_000);
  });
});

describe("mixes", () => {
  it("parses D:W pairs and normalises the weights", () => {
    const mix = parseMix("10:0.6,50:0.3,100:0.1");
    expect(mix.map((c) => c.docs)).toEqual([10, 50, 100]);
    [0.6, 0.3, 0.1].forEach((w, i) => expect(mix[i]!.weight).toBeCloseTo(w, 12));
    [0.6, 0.3, 0.1].forEach((w, i) => expect(parseMix("10:6, 50:3,100:1")[i]!.weight).toBeCloseTo(w, 12));
    expect(formatMix(parseMix("10:3,20:1"))).toBe("10:0.75,20:0.25");
    expect(meanDocs(parseMix("10:0.5,30:0.5"))).toBe(20);
  });

  it("rejects malformed mixes with a reason", () => {
    expect(() => parseMix("10")).toThrow(MixError);
    expect(() => parseMix("10:0.5,10:0.5")).toThrow(/twice/);
    expect(() => parseMix("0:1")).toThrow(/at least 1/);
    expect(() => parseMix("10:0")).toThrow(/above 0/);
    expect(() => parseMix("10:-1")).toThrow(/DOCS:WEIGHT/);
  });

  it("draws each count with its weight", () => {
    const mix = parseMix("10:0.6,50:0.3,100:0.1");
    expect(pickComponent(mix, 0)).toBe(0);
    expect(pickComponent(mix, 0.59)).toBe(0);
    expect(pickComponent(mix, 0.61)).toBe(1);
    expect(pickComponent(mix, 0.95)).toBe(2);
    const seq = mixSequence(mix, 100_000, createRng(7));
    const share = (g: number) => seq.filter((x) => x === g).length / seq.length;
    expect(share(0)).toBeCloseTo(0.6, 2);
    expect(share(1)).toBeCloseTo(0.3, 2);
    expect(share(2)).toBeCloseTo(0.1, 2);
  });

  it("defaults the rate to the one that uses the same capacity as the per-count targets", () => {
    // 60% at 200/s and 40% at 50/s: each request costs 0.6/200 + 0.4/50 s = 1/90.9… s.
    expect(mixRate(parseMix("10:0.6,100:0.4"), (d) => (d === 10 ? 200 : 50))).toBeCloseTo(1 / (0.6 / 200 + 0.4 / 50), 9);
    expect(mixRate(parseMix("10:0.6,7:0.4"), (d) => (d === 10 ? 200 : undefined))).toBeUndefined();
  });
});
