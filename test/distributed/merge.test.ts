import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeReports, parseRunnerReport } from "../../src/distributed/merge.js";
import { MergeMismatchError } from "../../src/distributed/errors.js";
import { unionMs } from "../../src/distributed/windows.js";
import { decodeHistogram, newHistogram } from "../../src/load/histogram.js";
import { LoadReport } from "../../src/load/report.js";
import { runCli } from "../cli/run-cli.js";
import { startTestServer, type TestServer } from "../load/servers.js";
import { delayFromQuery, runner } from "./runners.js";

const dir = mkdtempSync(join(tmpdir(), "rh-merge-"));
let server: TestServer;
let fast1: LoadReport;
let fast2: LoadReport;
let slow: LoadReport;
const file = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const slo = (p95: number): string => file(`slo-${p95}.json`, { source: "test", achieved_rate_tolerance: 0.2, scenarios: [{ docs: 10, rps: 40, p95_ms: p95 }] });

beforeAll(async () => {
  server = await startTestServer(delayFromQuery());
  // Three machines side by side: two fast, one slow.
  [fast1, fast2, slow] = await Promise.all([runner(server.url, 5), runner(server.url, 5), runner(server.url, 1_500)]);
}, 30_000);
afterAll(() => server?.close());

describe("unionMs", () => {
  it("counts overlapping windows once and disjoint ones in full", () => {
    expect(
      unionMs([
        [0, 10],
        [5, 15],
      ]),
    ).toBe(15);
    expect(
      unionMs([
        [0, 10],
        [20, 30],
      ]),
    ).toBe(20);
    expect(
      unionMs([
        [0, 10],
        [0, 10],
        [0, 10],
      ]),
    ).toBe(10);
    expect(unionMs([])).toBe(0);
  });
});

describe("mergeReports", () => {
  it("adds the HdrHistograms exactly and sums the counts", () => {
    const merged = mergeReports([
      { name: "a", report: fast1 },
      { name: "b", report: fast2 },
      { name: "c", report: slow },
    ]);
    const m = merged.scenarios[0]!;
    const parts = [fast1, fast2, slow].map((r) => r.scenarios[0]!);
    expect(m.sent).toBe(parts.reduce((t, s) => t + s.sent, 0));
    expect(m.ok).toBe(parts.reduce((t, s) => t + s.ok, 0));
    expect(m.ok_in_window).toBe(parts.reduce((t, s) => t + s.ok_in_window!, 0));
    // The same percentile as one histogram of every recorded latency.
    const all = newHistogram();
    for (const s of parts) all.add(decodeHistogram(s.histograms.latency_us));
    expect(m.latency_ms.p95).toBe(Math.round(all.getValueAtPercentile(95)) / 1000);
    expect(decodeHistogram(m.histograms.latency_us).totalCount).toBe(m.ok);
    // The slow runner is a third of the requests: the merged p95 is its latency, not an average.
    expect(m.latency_ms.p95).toBeGreaterThan(1_490);
    expect(parts[0]!.latency_ms.p95).toBeLessThan(m.latency_ms.p95);
    // Side by side: the union of the windows is about one window, so the rates add up.
    expect(m.duration_s).toBeLessThan(2);
    expect(m.achieved_rps).toBeCloseTo(m.ok_in_window! / m.duration_s, 2);
    expect(m.offered_rps).toBeGreaterThan(100);
    expect(merged.distributed).toMatchObject({ kind: "merge", runners: 3, runner_names: ["a", "b", "c"], percentile_error_pct: 0.1 });
    expect(LoadReport.parse(merged)).toEqual(merged);
  });

  it("takes the achieved rate over the union of windows that do not overlap", () => {
    const later = structuredClone(fast2);
    const shift = (iso: string): string => new Date(Date.parse(iso) + 60_000).toISOString();
    later.scenarios[0]!.window = { start: shift(later.scenarios[0]!.window!.start), end: shift(later.scenarios[0]!.window!.end) };
    const m = mergeReports([
      { name: "a", report: fast1 },
      { name: "b", report: later },
    ]).scenarios[0]!;
    expect(m.duration_s).toBeCloseTo(3, 3);
    expect(m.offered_rps).toBeCloseTo(40, 3);
  });

  it("refuses reports of another workload, target or schema version, saying what differs", () => {
    const other = structuredClone(fast2);
    other.scenarios[0]!.workload.doc_tokens = { mean: 32, spread: 8 };
    expect(() =>
      mergeReports([
        { name: "a.json", report: fast1 },
        { name: "b.json", report: other },
      ]),
    ).toThrow(/b\.json is not the same run as a\.json: workload of docs_10/);
    const elsewhere = { ...structuredClone(fast2), target: "http://elsewhere" };
    expect(() =>
      mergeReports([
        { name: "a", report: fast1 },
        { name: "b", report: elsewhere },
      ]),
    ).toThrow(MergeMismatchError);
    expect(() => parseRunnerReport(JSON.stringify({ ...fast1, schema_version: 1 }), "old.json")).toThrow(
      /old\.json: schema_version 1, but merge reads load reports of schema_version 2/,
    );
  });
});

describe("rerank-harness merge", () => {
  it("fails the merged run (exit 1) against a p95 target between the runners' own, which each fast runner passes alone", async () => {
    const [a, b, c] = [file("fast1.json", fast1), file("fast2.json", fast2), file("slow.json", slow)];
    const fastP95 = Math.max(fast1.scenarios[0]!.latency_ms.p95, fast2.scenarios[0]!.latency_ms.p95);
    const runP95 = mergeReports([
      { name: "a", report: fast1 },
      { name: "b", report: fast2 },
      { name: "c", report: slow },
    ]).scenarios[0]!.latency_ms.p95;
    expect(runP95, `fast runners' p95 ${fastP95} ms, run's ${runP95} ms`).toBeGreaterThan(fastP95 * 1.1);
    const between = slo(Math.round((fastP95 + runP95) / 2));
    const alone = await runCli(["merge", a, "--slo", between]);
    expect(alone.code, alone.stderr).toBe(0);
    const json = join(dir, "merged.json");
    const junit = join(dir, "merged.xml");
    const html = join(dir, "merged.html");
    const all = await runCli(["merge", a, b, c, "--slo", between, "--json", json, "--junit", junit, "--html", html]);
    expect(all.code, all.stderr).toBe(1);
    expect(all.stdout).toMatch(/one verdict merged from 3 runners/);
    expect(all.stdout).toMatch(/docs_10: p95 [\d.]+ ms > target/);
    const report = LoadReport.parse(JSON.parse(readFileSync(json, "utf8")));
    expect(report.passed).toBe(false);
    expect(report.schema_version).toBe(2);
    expect(readFileSync(junit, "utf8")).toMatch(/<testcase name="docs_10"[^>]*>\s*<failure message="p95/);
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/);
    expect(readFileSync(html, "utf8")).toContain("one verdict over 3 runners (merge; percentiles within 0.1% of exact)");
  }, 60_000);

  it("accepts --targets as a deprecated alias, and exits 2 on a report that cannot be merged", async () => {
    const a = file("fast1b.json", fast1);
    const viaAlias = await runCli(["merge", a, "--targets", slo(10_000)]);
    expect(viaAlias.code, viaAlias.stderr).toBe(0);
    expect(viaAlias.stderr).toMatch(/--targets is deprecated and will be removed: use --slo/);
    const other = structuredClone(fast2);
    other.scenarios[0]!.workload.corpus = "another";
    const bad = await runCli(["merge", a, file("other.json", other)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/workload of docs_10/);
    const missing = await runCli(["merge", a, join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read it: no such file/);
  }, 60_000);
});
