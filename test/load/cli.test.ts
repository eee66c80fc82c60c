import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadReport } from "../../src/load/report.js";
import { fixedDelay, startTestServer, type TestServer } from "./servers.js";

// `rerank-harness load` end to end, through tsx (the same path `npm run` uses in development).

const dir = mkdtempSync(join(tmpdir(), "rh-load-cli-"));
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(fixedDelay(2));
});
afterAll(() => server?.close());

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "load", ...args], { env: { ...process.env, FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function badJson(): string {
  const file = join(dir, "bad.json");
  writeFileSync(file, "{ not json");
  return file;
}

function targetsFile(name: string, p95: number): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      source: "test",
      achieved_rate_tolerance: 0.1,
      scenarios: [
        { docs: 10, rps: 20, p95_ms: p95 },
        { docs: 20, rps: 20, p95_ms: p95 },
      ],
    }),
  );
  return file;
}

describe("rerank-harness load", () => {
  it("runs every scenario of the SLO file, prints the table, writes --json and --html, exits 0 when all pass", async () => {
    const json = join(dir, "out", "load.json");
    const html = join(dir, "out", "load.html");
    const r = await cli(["--target", server.url, "--slo", targetsFile("ok.json", 5_000), "--duration", "1s", "--warmup", "0s", "--json", json, "--html", html]);
    expect(r.stderr).not.toMatch(/error|deprecated/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/docs_10\s+20\.00\/s open\s+[\d.]+\s+20\s+20\s+0\s+0\s/);
    expect(r.stdout).toContain("all 2 scenarios passed");
    const raw = JSON.parse(readFileSync(json, "utf8"));
    const report = LoadReport.parse(raw);
    // Nothing the schema does not describe (parse would have dropped it), nothing camelCase.
    expect(report).toEqual(raw);
    expect(JSON.stringify(raw)).not.toMatch(/"[a-z]+[A-Z][A-Za-z]*":/);
    expect(report.schema_version).toBe(2);
    expect(report.scenarios.map((s) => s.name)).toEqual(["docs_10", "docs_20"]);
    const s = report.scenarios[0]!;
    for (const key of [
      "name",
      "docs",
      "mode",
      "offered_rps",
      "concurrency",
      "duration_s",
      "sent",
      "ok",
      "errors",
      "dropped",
      "achieved_rps",
      "latency_ms",
      "target",
      "pass",
    ]) {
      expect(s).toHaveProperty(key);
    }
    expect(Object.keys(s.latency_ms)).toEqual(["min", "mean", "p50", "p90", "p95", "p99", "max"]);
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/);
  }, 45_000);

  it("exits 1 when a scenario misses its p95 target (SLO file given by --targets, the deprecated alias of --slo: one warning)", async () => {
    const r = await cli([
      "--target",
      server.url,
      "--targets",
      targetsFile("strict.json", 0.01),
      "--docs",
      "10",
      "--duration",
      "1s",
      "--warmup",
      "0s",
      "--no-progress",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").filter((l) => /deprecated/.test(l))).toEqual([
      "warning: --targets is deprecated and will be removed: use --slo (the same file)",
    ]);
    expect(r.stdout).toMatch(/docs_10: p95 [\d.]+ ms > target 0\.01 ms/);
    expect(r.stdout).toContain("the scenario failed");
  }, 45_000);

  it("bad flags exit 2 with one line, before any target starts", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--rate", "10", "--concurrency", "2"], /cannot be used with/],
      [["--rate", "fast"], /not a number/],
      [["--docs", "10,0"], /not a positive integer/],
      [["--slo", join(dir, "missing.json")], /^error: --slo .*missing\.json: cannot read it: no such file\n$/],
      [["--slo", badJson()], /^error: --slo .*bad\.json: .*JSON/],
      [["--slo", targetsFile("a.json", 1), "--targets", targetsFile("b.json", 1)], /^error: --targets is the old name of --slo: give one of them\n$/],
      [["--docs", "7"], /no scenario for 7 documents/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(["--target", "http://127.0.0.1:9", ...args])));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(" ")).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr.trim().split("\n")[0]).toMatch(/^error/);
    });
  }, 45_000);
});
