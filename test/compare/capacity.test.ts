import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCompare } from "../../src/compare/run.js";
import { parseTargets } from "../../src/load/targets.js";
import { renderCompareConsole } from "../../src/report/compare-console.js";
import { parseTargetSpec } from "../../src/targets/spec.js";
import { serialQueue, startTestServer, type TestServer } from "../load/servers.js";

// compare --find-max: each target's capacity side by side, from two single-server queues of
// known capacity (50 and 100 req/s).

let slow: TestServer;
let fast: TestServer;
beforeAll(async () => {
  [slow, fast] = await Promise.all([startTestServer(serialQueue(20)), startTestServer(serialQueue(10))]);
});
afterAll(async () => {
  await Promise.all([slow?.close(), fast?.close()]);
});

describe("compare --find-max", () => {
  it("reports each target's capacity per scenario in targets[].capacity and one console row", async () => {
    const targets = parseTargets({ source: "test", achieved_rate_tolerance: 0.05, scenarios: [{ docs: 2, rps: 40, p95_ms: 300 }] }, "test");
    const report = await runCompare(
      [parseTargetSpec(`${slow.url}#name=slow`), parseTargetSpec(`${fast.url}#name=fast`)],
      { reference: "bm25", apiKeyEnv: "RERANK_API_KEY", timeoutMs: 10_000, log: () => {} },
      { skipChecks: true, relevanceSets: [], load: { targets, rate: 40, durationMs: 2_000, warmupMs: 300, findMax: { maxRate: 200, budgetMs: 60_000 } } },
    );
    expect(report.settings.find_max).toBe(true);
    const [a, b] = report.targets;
    expect(a!.capacity).toHaveLength(1);
    expect(a!.capacity![0]).toMatchObject({ scenario: "docs_2", docs: 2, target_p95_ms: 300, stopped_by: "resolution" });
    expect(a!.capacity![0]).not.toHaveProperty("steps");
    expect(a!.load!.capacity![0]!.steps.length).toBeGreaterThan(2);
    // Near 50 and 100 req/s, the faster target ahead. Loose bounds: 2 s steps on a shared 2-core
    // machine, where timer lateness alone can eat the p95 budget below capacity (the search's
    // precision is test/load/find-max.test.ts's business; this checks what compare shows).
    const [ca, cb] = [a!.capacity![0]!.max_rps!, b!.capacity![0]!.max_rps!];
    expect(ca / 50).toBeGreaterThan(0.6);
    expect(ca / 50).toBeLessThan(1.15);
    expect(cb / 100).toBeGreaterThan(0.6);
    expect(cb / 100).toBeLessThan(1.15);
    expect(cb).toBeGreaterThan(ca);
    const text = renderCompareConsole(report);
    expect(text).toMatch(
      new RegExp(`^docs_2 capacity req/s \\(p95≤300\\)\\s+${a!.capacity![0]!.max_rps!.toFixed(1)}\\s+${b!.capacity![0]!.max_rps!.toFixed(1)}$`, "m"),
    );
  }, 120_000);
});
