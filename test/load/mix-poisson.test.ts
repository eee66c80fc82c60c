import { afterEach, describe, expect, it } from "vitest";
import { runLoad } from "../../src/load/run.js";
import { parseMix } from "../../src/load/mix.js";
import { parseTargets } from "../../src/load/targets.js";
import { countDocs, fixedDelay, startTestServer, targetAt, type TestServer } from "./servers.js";

// --mix and --arrival poisson end to end: what the server received, and what the report says.

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("mixed workloads", () => {
  it("sends each documents count with its weight and reports each count and the whole", async () => {
    const counts = new Map<number, number>();
    server = await startTestServer(countDocs(counts));
    const targets = parseTargets(
      {
        source: "test",
        scenarios: [
          { docs: 2, rps: 100, p95_ms: 5_000 },
          { docs: 5, rps: 100, p95_ms: 5_000 },
          { docs: 9, rps: 100, p95_ms: 0.001 },
        ],
      },
      "test",
    );
    const report = await runLoad(targetAt(server.url), { targets, mix: parseMix("2:0.6,5:0.3,9:0.1"), rate: 400, durationMs: 3_000, warmupMs: 0 });
    const s = report.scenarios[0]!;
    expect(s.name).toBe("mix");
    expect(s.sent).toBe(1200);
    const received = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(received).toBe(1200);
    // 1200 weighted draws: each share within 4 points of its weight (≥ 3 standard deviations).
    expect(counts.get(2)! / received).toBeCloseTo(0.6, 0);
    expect(Math.abs(counts.get(2)! / received - 0.6)).toBeLessThan(0.04);
    expect(Math.abs(counts.get(5)! / received - 0.3)).toBeLessThan(0.04);
    expect(Math.abs(counts.get(9)! / received - 0.1)).toBeLessThan(0.03);
    // The report's per-count figures are what the server saw.
    expect(s.mix!.map((p) => [p.docs, p.sent])).toEqual([2, 5, 9].map((d) => [d, counts.get(d)]));
    expect(s.mix!.reduce((a, p) => a + p.ok, 0)).toBe(s.ok);
    expect(s.mix![0]!.share).toBeCloseTo(counts.get(2)! / received, 3);
    // Each count is held to its own p95 target: the 9-document one (0.001 ms) fails the scenario.
    expect(s.mix!.map((p) => p.pass)).toEqual([true, true, false]);
    expect(s.pass).toBe(false);
    expect(s.failures.join("\n")).toMatch(/^9 documents \(10% of the mix\): p95 [\d.]+ ms > target 0\.001 ms$/m);
  }, 30_000);

  it("without --rate, uses the rate that costs the same capacity as the per-count targets", async () => {
    server = await startTestServer(fixedDelay(1));
    const targets = parseTargets(
      {
        source: "test",
        scenarios: [
          { docs: 2, rps: 40, p95_ms: 5_000 },
          { docs: 4, rps: 10, p95_ms: 5_000 },
        ],
      },
      "test",
    );
    const report = await runLoad(targetAt(server.url), { targets, mix: parseMix("2:0.5,4:0.5"), durationMs: 1_000, warmupMs: 0 });
    expect(report.scenarios[0]!.offered_rps).toBeCloseTo(16, 9); // 1 / (0.5/40 + 0.5/10)
  }, 20_000);
});

describe("poisson arrivals", () => {
  it("sends about rate × duration at random gaps, measures latency from the intended times, and is seeded", async () => {
    server = await startTestServer(fixedDelay(20));
    const targets = parseTargets({ source: "test", scenarios: [{ docs: 10, rps: 100, p95_ms: 5_000 }] }, "test");
    const opts = { targets, docs: [10], rate: 100, durationMs: 4_000, warmupMs: 0, arrival: "poisson" as const, seed: 5 };
    const a = (await runLoad(targetAt(server.url), opts)).scenarios[0]!;
    expect(a.arrival).toBe("poisson");
    // Poisson(400): within 4 standard deviations (±80).
    expect(a.sent).toBeGreaterThan(320);
    expect(a.sent).toBeLessThan(480);
    expect(a.errors).toBe(0);
    expect(a.latency_ms.p50).toBeGreaterThanOrEqual(20);
    // The achieved-rate floor follows the count actually scheduled, not the nominal rate.
    expect(a.target.min_achieved_rps! / (a.sent / 4)).toBeCloseTo(0.95, 2);
    expect(a.failures).toEqual([]);
    // Seeded: the same seed schedules the same number of requests in the window.
    const b = (await runLoad(targetAt(server.url), opts)).scenarios[0]!;
    expect(b.sent + b.dropped).toBe(a.sent + a.dropped);
    // Sends per second vary as a Poisson count does (a uniform schedule sends exactly 100 each second).
    const perSecond = a.series.filter((p) => p.t >= 0 && p.t < 4).map((p) => p.sent);
    expect(new Set(perSecond).size).toBeGreaterThan(1);
  }, 30_000);
});
