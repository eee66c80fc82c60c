import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, test } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { runLoad } from "../../src/load/run.js";
import { AbortWatch, OVERSAT_MIN_INFLIGHT, type AbortPlan, type LiveCounts } from "../../src/load/abort.js";
import { LOAD_CSV_COLUMNS } from "../../src/report/load-csv.js";
import type { LoadReport } from "../../src/load/report.js";
import { parseTargets } from "../../src/load/targets.js";
import { serialQueue, startTestServer, targetAt } from "./servers.js";

const dir = mkdtempSync(join(tmpdir(), "rh-abort-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("load --abort-on-fail", () => {
  test("a server offered 3x its capacity is stopped in under a quarter of --duration, exit 1 with the reason; --csv rows match the JSON", async () => {
    // One request at a time, 20 ms each: 50 req/s. Offered 150 req/s for 20 s.
    const server = await startTestServer(serialQueue(20));
    try {
      const json = join(dir, "over.json");
      const csv = join(dir, "over.csv");
      const html = join(dir, "over.html");
      const started = performance.now();
      const run = await runCli(
        [
          "load",
          "--target",
          server.url,
          "--dialect",
          "vllm",
          "--docs",
          "1",
          "--rate",
          "150",
          "--duration",
          "20s",
          "--warmup",
          "0s",
          "--abort-on-fail",
          "--no-progress",
          "--json",
          json,
          "--csv",
          csv,
          "--html",
          html,
        ],
        { timeoutMs: 60_000 },
      );
      const wallS = (performance.now() - started) / 1000;
      expect(run.code, run.stderr).toBe(1);
      const report = JSON.parse(readFileSync(json, "utf8")) as LoadReport;
      const s = report.scenarios[0]!;
      expect(s.aborted?.reason).toBe("over_saturated");
      expect(s.aborted!.at_s).toBeLessThan(20 / 4);
      expect(s.aborted!.planned_duration_s).toBe(20);
      expect(s.duration_s).toBeLessThan(5);
      expect(s.pass).toBe(false);
      expect(s.failures[0]).toMatch(/^aborted after [\d.]+ s of 20 s planned \(over saturated\): for 3 s the queue kept growing/);
      // The console says it too, and the run as a whole, CLI start-up included (seconds on a loaded machine), took less than the 20 s planned.
      expect(run.stdout).toMatch(/aborted after/);
      expect(readFileSync(html, "utf8")).toMatch(/aborted after [\d.]+ s of 20 s planned \(over saturated\)/);
      expect(wallS).toBeLessThan(20);
      expectCsvMatchesJson(readFileSync(csv, "utf8"), report);
    } finally {
      await server.close();
    }
  }, 90_000);

  test("in worker threads too: the watch sums every thread's counts and stops them all", async () => {
    const server = await startTestServer(serialQueue(20));
    try {
      const report = await runLoad(targetAt(server.url), { docs: [1], rate: 150, durationMs: 20_000, warmupMs: 0, abortOnFail: true, isolate: true });
      const s = report.scenarios[0]!;
      expect(s.workers).toBe(1);
      expect(s.aborted?.reason).toBe("over_saturated");
      expect(s.aborted!.at_s).toBeLessThan(20 / 4);
      expect(s.aborted!.abandoned).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 60_000);

  test("--find-max ends a failing step early by the same rules, and never cuts a passing one", async () => {
    const server = await startTestServer(serialQueue(20));
    try {
      const targets = parseTargets({ source: "test", achieved_rate_tolerance: 0.05, scenarios: [{ docs: 1, rps: 150, p95_ms: 200 }] }, "test");
      const report = await runLoad(targetAt(server.url), { targets, warmupMs: 0, durationMs: 8_000, findMax: { budgetMs: 14_000 }, abortOnFail: true });
      const steps = report.capacity![0]!.steps;
      expect(steps[0]!.offered_rps).toBe(150);
      expect(steps[0]!.aborted?.reason).toBe("over_saturated");
      expect(steps[0]!.duration_s).toBeLessThan(8 / 2);
      expect(steps[0]!.failures[0]).toMatch(/^aborted after/);
      expect(steps.filter((st) => st.pass).every((st) => st.aborted === undefined)).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  test("a healthy server is never aborted", async () => {
    // 50 req/s of capacity offered 25 req/s, and a plain fast server at 200 req/s.
    for (const [reply, rate] of [
      [serialQueue(20), 25],
      [undefined, 200],
    ] as const) {
      const server = await startTestServer(reply);
      try {
        const report = await runLoad(targetAt(server.url), { docs: [1], rate, durationMs: 5_000, warmupMs: 500, abortOnFail: true });
        const s = report.scenarios[0]!;
        expect(s.aborted, s.failures.join("; ")).toBeUndefined();
        expect(s.pass, s.failures.join("; ")).toBe(true);
        expect(s.duration_s).toBe(5);
      } finally {
        await server.close();
      }
    }
  }, 60_000);
});

/** Every CSV column holds the JSON report's value of the same field (nested names joined with _). */
function expectCsvMatchesJson(text: string, report: LoadReport): void {
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  expect(Object.keys(rows[0]!)).toEqual(LOAD_CSV_COLUMNS.map(([name]) => name));
  expect(rows).toHaveLength(report.scenarios.length + (report.capacity?.reduce((a, c) => a + c.steps.length, 0) ?? 0));
  const s = report.scenarios[0]! as unknown as Record<string, unknown>;
  const row = rows[0]!;
  expect(row["row"]).toBe("scenario");
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) flat[`${k}_${k2}`] = v2;
    else flat[k] = v;
  }
  let compared = 0;
  for (const [name, value] of Object.entries(row)) {
    if (!(name in flat) || typeof flat[name] === "object") continue;
    expect(value, name).toBe(String(flat[name]));
    compared++;
  }
  expect(compared).toBeGreaterThan(40);
  expect(row["failures"]).toBe(s["failures"] && (s["failures"] as string[]).join("; "));
  expect(row["aborted_reason"]).toBe("over_saturated");
}

test("docs/records.md lists every CSV column", () => {
  const doc = readFileSync(new URL("../../docs/records.md", import.meta.url), "utf8");
  for (const [name] of LOAD_CSV_COLUMNS) expect(doc, name).toContain(`\`${name}\``);
});

describe("AbortWatch rules", () => {
  const plan: AbortPlan = { rate: 100, arrival: "uniform", windowStart: 0, windowEnd: 10_000, maxErrorRate: 0.01, minAchievedRps: 90 };
  const counts = (c: Partial<LiveCounts>): LiveCounts => ({
    at: 1_000,
    sent: 100,
    errors: 0,
    dropped: 0,
    okInWindow: 100,
    inflight: 2,
    oldestDueAt: 990,
    ...c,
  });

  test("error budget: fires only once errors and drops exceed the share of the most requests the window can hold", () => {
    // 10 s at 100 req/s: at most 1001 scheduled, 1% of it is 10.01.
    expect(new AbortWatch(plan).observe(counts({ errors: 6, dropped: 4 }))).toBeUndefined();
    expect(new AbortWatch(plan).observe(counts({ errors: 6, dropped: 5 }))?.reason).toBe("error_budget");
  });

  test("unreachable rate: fires only when even every request in flight and still due succeeding falls short", () => {
    // At 5 s: ≤ 601 still due (5 s + 1 s of slack). 900 needed in 10 s.
    expect(new AbortWatch(plan).observe(counts({ at: 5_000, okInWindow: 290, inflight: 9 }))).toBeUndefined();
    expect(new AbortWatch(plan).observe(counts({ at: 5_000, okInWindow: 290, inflight: 7 }))?.reason).toBe("unreachable_rate");
    expect(new AbortWatch({ ...plan, minAchievedRps: null }).observe(counts({ at: 5_000, okInWindow: 0, inflight: 0 }))).toBeUndefined();
  });

  test("over-saturation: a queue growing for 3 s fires; a flat one, a short one or a tiny one does not", () => {
    const noRate = { ...plan, minAchievedRps: null };
    const feed = (w: AbortWatch, series: [inflight: number, waitMs: number][]) =>
      series.map(([inflight, waitMs], i) => w.observe(counts({ at: 1_000 * (i + 1), inflight, oldestDueAt: 1_000 * (i + 1) - waitMs })));
    const growing = feed(new AbortWatch(noRate), [
      [20, 300],
      [40, 900],
      [60, 1500],
      [80, 2100],
    ]);
    expect(growing.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(growing[3]?.reason).toBe("over_saturated");
    expect(
      feed(new AbortWatch(noRate), [
        [20, 300],
        [21, 310],
        [20, 305],
        [22, 320],
        [21, 300],
      ]).every((d) => d === undefined),
    ).toBe(true);
    // Rose at every sample, but one dip resets it.
    expect(
      feed(new AbortWatch(noRate), [
        [20, 300],
        [40, 900],
        [30, 800],
        [60, 1500],
        [80, 2100],
      ]).every((d) => d === undefined),
    ).toBe(true);
    expect(
      feed(new AbortWatch(noRate), [
        [1, 10],
        [2, 400],
        [4, 900],
        [OVERSAT_MIN_INFLIGHT - 1, 1500],
      ]).every((d) => d === undefined),
    ).toBe(true);
  });
});
