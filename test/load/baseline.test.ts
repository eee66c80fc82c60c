import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeMetric, quantileInterval, rateInterval } from "../../src/load/baseline.js";
import { newHistogram, recordMs } from "../../src/load/histogram.js";
import { LoadReport } from "../../src/load/report.js";
import { fixedDelay, startTestServer, type TestServer } from "./servers.js";

// `load --baseline`: the noise model on known histograms, then end to end against fixed-delay
// servers (200 ms and 400 ms: large against a busy machine's jitter, which the order-statistic
// intervals of one run cannot see).

describe("noise from the recorded histogram", () => {
  it("a percentile's 95% interval spans the order statistics around its rank", () => {
    const h = newHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i); // 1 … 1000 ms, one each
    const p50 = quantileInterval(h, 0.5);
    // rank 500 ± 1.96·√250 ≈ ±31
    expect(p50.value).toBeCloseTo(500, 0);
    expect(p50.lo).toBeCloseTo(469, 0);
    expect(p50.hi).toBeCloseTo(532, 0);
    const p99 = quantileInterval(h, 0.99);
    expect(p99.lo).toBeCloseTo(983, 0);
    expect(p99.hi).toBeCloseTo(998, 0); // 990 + 1.96·√9.9, rounded up, + 1
    expect(rateInterval(100, 10).hi).toBeCloseTo(100 + (1.96 * Math.sqrt(1000)) / 10, 9);
  });

  it("regressed needs both: beyond the threshold and beyond the noise", () => {
    const iv = (value: number, half: number) => ({ value, lo: value - half, hi: value + half });
    expect(judgeMetric("p95_ms", iv(10, 0.5), iv(20, 0.5), 10, true).verdict).toBe("regressed");
    expect(judgeMetric("p95_ms", iv(10, 0.5), iv(10.5, 0.1), 10, true).verdict).toBe("same"); // under 10%
    expect(judgeMetric("p95_ms", iv(10, 4), iv(12, 4), 10, true).verdict).toBe("same"); // within the noise
    expect(judgeMetric("p95_ms", iv(20, 0.5), iv(10, 0.5), 10, true).verdict).toBe("improved");
    expect(judgeMetric("achieved_rps", iv(100, 2), iv(50, 2), 10, false).verdict).toBe("regressed");
    expect(judgeMetric("achieved_rps", iv(100, 2), iv(50, 2), 10, false).change_pct).toBe(-50);
  });
});

const dir = mkdtempSync(join(tmpdir(), "rh-baseline-"));
let normal: TestServer;
let slow: TestServer;
beforeAll(async () => {
  [normal, slow] = await Promise.all([startTestServer(fixedDelay(200)), startTestServer(fixedDelay(400))]);
});
afterAll(async () => {
  await Promise.all([normal?.close(), slow?.close()]);
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "load", ...args], { env: { ...process.env, FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const targets = join(dir, "targets.json");
writeFileSync(targets, JSON.stringify({ source: "test", achieved_rate_tolerance: 0.1, scenarios: [{ docs: 5, rps: 10, p95_ms: 5_000 }] }));
const run = (url: string, extra: string[]) => cli(["--target", url, "--slo", targets, "--duration", "6s", "--warmup", "1s", "--no-progress", ...extra]);

describe("rerank-harness load --baseline", () => {
  it("passes an equal run, fails a 2× slower one with 'regressed' and the figures", async () => {
    const basePath = join(dir, "base.json");
    const first = await run(normal.url, ["--json", basePath]);
    expect(first.code).toBe(0);

    const same = await run(normal.url, ["--baseline", basePath, "--json", join(dir, "same.json")]);
    expect(same.stderr).not.toMatch(/error/);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("no regression against the baseline");
    const sameReport = LoadReport.parse(JSON.parse(readFileSync(join(dir, "same.json"), "utf8")));
    expect(sameReport.baseline?.regressed).toBe(false);
    expect(sameReport.baseline?.scenarios[0]?.metrics.map((m) => m.metric)).toEqual(["p50_ms", "p95_ms", "p99_ms", "achieved_rps"]);

    const slower = await run(slow.url, ["--baseline", basePath, "--json", join(dir, "slow.json")]);
    expect(slower.code).toBe(1);
    expect(slower.stdout).toMatch(/docs_5 regressed: p50 2\d\d ms → 4\d\d ms \(\+\d+\.\d%\)/);
    expect(slower.stdout).toContain("regressed against the baseline: docs_5");
    const slowReport = LoadReport.parse(JSON.parse(readFileSync(join(dir, "slow.json"), "utf8")));
    expect(slowReport.passed).toBe(false);
    const p50 = slowReport.baseline!.scenarios[0]!.metrics.find((m) => m.metric === "p50_ms")!;
    expect(p50.verdict).toBe("regressed");
    expect(p50.change_pct).toBeGreaterThan(40); // +100% on a quiet machine; jitter blurs it here

    // And the other way round, the faster run is reported as an improvement (not a failure).
    const slowBase = join(dir, "slow.json");
    const faster = await run(normal.url, ["--baseline", slowBase]);
    expect(faster.code).toBe(0);
    expect(faster.stdout).toMatch(/docs_5 improved: p50 4\d\d ms → 2\d\d ms \(-\d+\.\d%\)/);
  }, 120_000);

  it("a baseline that is not a load report exits 2 with one line", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ target: "x", scenarios: "no" }));
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "{");
    const [a, b, c] = await Promise.all([
      run("http://127.0.0.1:9", ["--baseline", bad]),
      run("http://127.0.0.1:9", ["--baseline", notJson]),
      run("http://127.0.0.1:9", ["--baseline", join(dir, "missing.json")]),
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toMatch(/^error: --baseline .*bad\.json: not a load --json report \(/);
    expect(a.stderr.trim().split("\n")).toHaveLength(1);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/not JSON/);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/cannot read it: no such file/);
  }, 60_000);

  it("the new flags refuse what cannot run: exit 2 with one line, before any target starts", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--mix", "10:x"], /--mix .*not DOCS:WEIGHT/],
      [["--mix", "10:1", "--docs", "10"], /cannot be used with option '--docs/],
      [["--max-rate", "10"], /go with --find-max/],
      [["--find-max", "--concurrency", "3"], /cannot be used with option '--concurrency/],
      [["--arrival", "poisson", "--concurrency", "3"], /cannot be used with option '--concurrency/],
      [["--arrival", "gamma"], /Allowed choices are uniform, poisson/],
      [["--mix", "10:1,7:1"], /lacks a rate for some documents count of the mix 10:0\.5,7:0\.5/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(["--target", "http://127.0.0.1:9", ...args])));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(" ")).toBe(2);
      expect(r.stderr, cases[i]![0].join(" ")).toMatch(cases[i]![1]);
    });
  }, 60_000);
});
