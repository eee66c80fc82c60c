import { afterEach, describe, expect, it } from "vitest";
import { searchCapacity, stepDurationMs } from "../../src/load/find-max.js";
import type { ScenarioResult } from "../../src/load/report.js";
import { runLoad } from "../../src/load/run.js";
import { parseTargets } from "../../src/load/targets.js";
import { serialQueue, startTestServer, targetAt, type TestServer } from "./servers.js";

// --find-max: the search on a model of a server (exact), then against a real single-server
// queue with a known capacity (timing, so the bounds are the issue's ±10%).

/** A step result that passes iff `rate` ≤ capacity (only the fields the search reads matter). */
function modelStep(capacity: number, extra: Partial<ScenarioResult> = {}) {
  return async (rate: number): Promise<ScenarioResult> => {
    const pass = rate <= capacity;
    return {
      sent: 100,
      ok: pass ? 100 : 90,
      errors: 0,
      dropped: 0,
      achieved_rps: Math.min(rate, capacity),
      error_rate: 0,
      duration_s: 1,
      latency_ms: { min: 1, mean: 1, p50: 1, p90: 1, p95: pass ? 10 : 100, p99: 1, max: 1 },
      errors_by_class: { http_4xx: 0, http_5xx: 0, timeout: 0, connection: 0, invalid_body: 0 },
      pass,
      failures: pass ? [] : ["p95 100 ms > target 50 ms"],
      ...extra,
    } as ScenarioResult;
  };
}

const base = { maxRate: 10_000, resolution: 0.05, growth: 2, fits: () => true };

describe("the capacity search", () => {
  it("grows ×2 until a step fails, then bisects to within the resolution; the capacity is the highest passing rate", async () => {
    const r = await searchCapacity({ ...base, startRate: 10, runStep: modelStep(137) });
    expect(r.stopped_by).toBe("resolution");
    expect(r.steps.slice(0, 6).map((s) => s.offered_rps)).toEqual([10, 20, 40, 80, 160, 113]);
    expect(r.max_rps).toBeLessThanOrEqual(137);
    expect(r.max_rps! / 137).toBeGreaterThan(0.95);
    expect(r.failed_rps! / r.max_rps! - 1).toBeLessThanOrEqual(0.05);
    expect(r.best?.pass).toBe(true);
  });

  it("goes down from a failing start, and gives up when nothing passes", async () => {
    const down = await searchCapacity({ ...base, startRate: 100, runStep: modelStep(30, { achieved_rps: 0 }) });
    expect(down.steps.slice(0, 3).map((s) => s.offered_rps)).toEqual([100, 50, 25]);
    expect(down.max_rps! / 30).toBeGreaterThan(0.95);
    // An overloaded step's achieved rate (the model's: min(rate, capacity)) is the next step down.
    const jump = await searchCapacity({ ...base, startRate: 200, runStep: modelStep(23) });
    expect(jump.steps.slice(0, 2).map((s) => s.offered_rps)).toEqual([200, 23]);
    expect(jump.max_rps! / 23).toBeGreaterThan(0.95);
    const none = await searchCapacity({ ...base, startRate: 100, runStep: modelStep(1) });
    expect(none.stopped_by).toBe("no_passing_rate");
    expect(none.max_rps).toBeNull();
    // It achieved 1 req/s: straight to the floor, 100 / 2⁴, which fails too.
    expect(none.steps.map((s) => s.offered_rps)).toEqual([100, 6.25]);
  });

  it("stops at --max-rate, when the budget cannot fit a step, and when the server is gone", async () => {
    const capped = await searchCapacity({ ...base, startRate: 10, maxRate: 50, runStep: modelStep(1000) });
    expect(capped.steps.map((s) => s.offered_rps)).toEqual([10, 20, 40, 50]);
    expect(capped).toMatchObject({ stopped_by: "max_rate", max_rps: 50 });

    let budget = 3;
    const broke = await searchCapacity({ ...base, startRate: 10, fits: () => budget-- > 0, runStep: modelStep(1000) });
    expect(broke).toMatchObject({ stopped_by: "budget", max_rps: 40 });
    expect(broke.steps).toHaveLength(3);

    const gone = modelStep(0, {
      pass: false,
      sent: 100,
      errors: 80,
      errors_by_class: { http_4xx: 0, http_5xx: 0, timeout: 0, connection: 80, invalid_body: 0 },
    });
    const failing = await searchCapacity({ ...base, startRate: 10, runStep: gone });
    expect(failing).toMatchObject({ stopped_by: "server_failing", max_rps: null });
    expect(failing.steps).toHaveLength(1);
  });

  it("sizes steps for the requests a stable p95 needs, within the time bounds", () => {
    expect(stepDurationMs(100, 1000, 2000, 10_000)).toBe(10_000);
    expect(stepDurationMs(200, 1000, 2000, 10_000)).toBe(5_000);
    expect(stepDurationMs(5000, 1000, 2000, 10_000)).toBe(2_000);
  });
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("find-max against a server of known capacity", () => {
  it("one request at a time, 5 ms each (200 req/s): the capacity found is within 10%", async () => {
    server = await startTestServer(serialQueue(5));
    // A generous p95 target: on a busy machine timer jitter adds tens of ms, while past capacity
    // a single-server queue grows without bound (≥ 5% over for 3 s: the last requests wait ≥ 150 ms).
    const targets = parseTargets({ source: "test", achieved_rate_tolerance: 0.05, scenarios: [{ docs: 1, rps: 120, p95_ms: 150 }] }, "test");
    const started = Date.now();
    const report = await runLoad(targetAt(server.url), { targets, warmupMs: 500, durationMs: 3_000, findMax: { budgetMs: 90_000 } });
    const c = report.capacity![0]!;
    expect(c.stopped_by).toBe("resolution");
    expect(c.max_rps).toBeGreaterThanOrEqual(180);
    expect(c.max_rps).toBeLessThanOrEqual(220);
    expect(c.steps[0]!.offered_rps).toBe(120);
    expect(c.steps.some((s) => !s.pass)).toBe(true);
    expect(report.scenarios[0]!.offered_rps).toBe(c.max_rps);
    expect(report.find_max).toMatchObject({ step_requests: 1000, resolution_pct: 5 });
    expect(report.passed).toBe(true);
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 120_000);
});
