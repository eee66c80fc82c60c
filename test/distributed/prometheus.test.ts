import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadReport } from "../../src/load/report.js";
import { runCli, type CliRun } from "../cli/run-cli.js";
import { startTestServer, type TestServer } from "../load/servers.js";
import { HAS_PROMETHEUS, promQuery, startPrometheus, type RunningPrometheus } from "./prometheus-server.js";
import { delayFromQuery } from "./runners.js";

// Against the real Prometheus: three `load` processes stream one testid, `verdict` reads it back,
// and its figures are held against `merge`'s exact ones from the same runs' JSON reports. The
// targets are lenient on rate (tolerance 0.9): on a shared machine the generator may run late,
// which is not what these tests are about.

const dir = mkdtempSync(join(tmpdir(), "rh-prom-test-"));
const TESTID = `rh-test-${process.pid}`;
let server: TestServer;
let prom: RunningPrometheus;
const reports: string[] = [];
const file = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const slo = (p95: number): string => file(`slo-${p95}.json`, { source: "test", achieved_rate_tolerance: 0.9, scenarios: [{ docs: 10, rps: 20, p95_ms: p95 }] });

function loadArgs(delayMs: number, runner: string, out: string, extra: string[] = []): string[] {
  return [
    "load",
    "--target",
    server.url,
    "--path",
    `/v1/rerank?delay=${delayMs}`,
    "--docs",
    "10",
    "--rate",
    "20",
    "--duration",
    "3s",
    "--warmup",
    "0s",
    "--slo",
    slo(10_000),
    "--no-progress",
    "--out",
    `prometheus-rw=${prom.writeUrl}`,
    "--testid",
    TESTID,
    "--runner",
    runner,
    "--push-interval",
    "500ms",
    "--json",
    out,
    ...extra,
  ];
}

describe.skipIf(!HAS_PROMETHEUS)("verdict --prometheus against the real Prometheus (/usr/bin/prometheus missing: skipped)", () => {
  beforeAll(async () => {
    server = await startTestServer(delayFromQuery());
    prom = await startPrometheus();
    const runs: Array<[number, string]> = [
      [5, "fast-1"],
      [5, "fast-2"],
      [1500, "slow"],
    ];
    const results = await Promise.all(
      runs.map(([delay, name]) => {
        const out = join(dir, `${name}.json`);
        reports.push(out);
        return runCli(loadArgs(delay, name, out), { timeoutMs: 90_000 });
      }),
    );
    for (const r of results) expect(r.code, r.stderr + r.stdout).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
    await server?.close();
  });

  it("each load printed its testid and wrote it, and every sample reached Prometheus", () => {
    for (const path of reports) {
      const r = LoadReport.parse(JSON.parse(readFileSync(path, "utf8")));
      expect(r.testid).toBe(TESTID);
      expect(r.remote_write).toMatchObject({ samples_not_sent: 0, requests_failed: 0 });
      expect(r.remote_write!.samples_sent).toBeGreaterThan(0);
    }
  });

  it("gives merge's request counts exactly and its p95 within the stated bound, with one runner slow", async () => {
    const mergedJson = join(dir, "merged.json");
    const verdictJson = join(dir, "verdict.json");
    const merged = await runCli(["merge", ...reports, "--slo", slo(10_000), "--json", mergedJson]);
    expect(merged.code, merged.stderr).toBe(0);
    const v = await runCli(["verdict", "--prometheus", prom.url, "--testid", TESTID, "--slo", slo(10_000), "--json", verdictJson]);
    expect(v.code, v.stderr + v.stdout).toBe(0);
    expect(v.stdout).toMatch(/one verdict read from Prometheus for 3 runners: fast-1, fast-2, slow; percentiles within [\d.]+% of exact/);
    const m = LoadReport.parse(JSON.parse(readFileSync(mergedJson, "utf8"))).scenarios[0]!;
    const vr = LoadReport.parse(JSON.parse(readFileSync(verdictJson, "utf8")));
    const s = vr.scenarios[0]!;
    expect(vr.distributed).toMatchObject({ kind: "prometheus", runners: 3, testid: TESTID });
    const bound = vr.distributed!.percentile_error_pct / 100;
    expect(bound).toBeLessThan(0.015);
    expect(s.sent).toBe(m.sent);
    expect(s.ok).toBe(m.ok);
    expect(s.dropped).toBe(m.dropped);
    expect(s.ok_in_window).toBe(m.ok_in_window);
    for (const p of ["p50", "p95", "p99"] as const) {
      expect(Math.abs(s.latency_ms[p] - m.latency_ms[p]) / m.latency_ms[p], `${p}: verdict ${s.latency_ms[p]} vs merge ${m.latency_ms[p]}`).toBeLessThanOrEqual(
        bound,
      );
    }
    // The slow runner is a third of the traffic: the run's p95 is its latency.
    expect(m.latency_ms.p95).toBeGreaterThan(1490);
    expect(s.achieved_rps).toBeCloseTo(m.achieved_rps, 0);
  }, 60_000);

  it("fails the run (exit 1) for verdict and merge against a p95 target between the runners' own, which a fast runner passes alone", async () => {
    const own = reports.map((p) => LoadReport.parse(JSON.parse(readFileSync(p, "utf8"))).scenarios[0]!.latency_ms.p95);
    const mergedJson = join(dir, "merged-lenient.json");
    expect((await runCli(["merge", ...reports, "--slo", slo(100_000), "--json", mergedJson])).code).toBe(0);
    const runP95 = LoadReport.parse(JSON.parse(readFileSync(mergedJson, "utf8"))).scenarios[0]!.latency_ms.p95;
    const fastP95 = Math.max(own[0]!, own[1]!);
    // The slow runner must lift the run's p95 above the fast runners' for the target to lie between.
    expect(runP95, `fast runners' p95 ${fastP95} ms, run's ${runP95} ms`).toBeGreaterThan(fastP95 * 1.1);
    const between = slo(Math.round((fastP95 + runP95) / 2));
    const alone = await runCli(["merge", reports[0]!, "--slo", between]);
    expect(alone.code, alone.stdout).toBe(0);
    const alone2 = await runCli(["merge", reports[1]!, "--slo", between]);
    expect(alone2.code, alone2.stdout).toBe(0);
    const merged = await runCli(["merge", ...reports, "--slo", between]);
    expect(merged.code, merged.stdout).toBe(1);
    const junit = join(dir, "verdict.xml");
    const v = await runCli(["verdict", "--prometheus", prom.url, "--testid", TESTID, "--slo", between, "--junit", junit]);
    expect(v.code, v.stdout + v.stderr).toBe(1);
    expect(v.stdout).toMatch(/docs_10: p95 [\d.]+ ms > target/);
    expect(readFileSync(junit, "utf8")).toMatch(/<failure message="p95/);
  }, 60_000);

  it("exits 2 with the reason for a testid with no samples", async () => {
    const v = await runCli(["verdict", "--prometheus", prom.url, "--testid", "no-such-run"]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/testid no-such-run: Prometheus at .* has no k6_http_reqs_total or k6_http_req_duration_seconds samples/);
  }, 30_000);

  it("every panel of the Grafana dashboard runs its PromQL without error and returns series", async () => {
    const dashboard = JSON.parse(readFileSync("k6/grafana/rerank-harness.json", "utf8")) as {
      panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => [p.title, t.expr] as const));
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    for (const [title, expr] of exprs) {
      const q = expr.replaceAll("$testid", TESTID).replaceAll("$__rate_interval", "5m").replaceAll("$__range", "1h").replaceAll("$__interval", "15s");
      const r = await promQuery(prom.url, q);
      expect(r.status, `${title}: ${q}: ${r.error}`).toBe("success");
      expect(r.data!.result.length, `${title}: ${q} returned no series`).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe.skipIf(!HAS_PROMETHEUS)("load --out prometheus-rw when Prometheus dies mid-run (/usr/bin/prometheus missing: skipped)", () => {
  it("finishes on time with its own verdict intact and says how many samples were not sent", async () => {
    const local = await startPrometheus();
    const srv = await startTestServer(delayFromQuery());
    try {
      server = srv;
      prom = local;
      const out = join(dir, "killed.json");
      const started = Date.now();
      const run = runCli(loadArgs(5, "survivor", out, ["--duration", "4s"]), { timeoutMs: 60_000 });
      // Kill it once the run has streamed a little (the CLI starts in a few seconds under tsx).
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 100 && !(await reached(local.url)); i++) await new Promise((r) => setTimeout(r, 200));
      local.process.kill("SIGKILL");
      const r: CliRun = await run;
      const elapsed = Date.now() - started;
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const report = LoadReport.parse(JSON.parse(readFileSync(out, "utf8")));
      expect(report.passed).toBe(true);
      expect(report.scenarios[0]!.sent + report.scenarios[0]!.dropped).toBe(80);
      expect(report.remote_write!.samples_sent).toBeGreaterThan(0);
      expect(report.remote_write!.samples_not_sent).toBeGreaterThan(0);
      expect(r.stderr).toMatch(/warning: remote write to .* failed/);
      expect(r.stdout).toMatch(/\d+ samples NOT sent/);
      // The run's own time (4 s) plus start-up under tsx and at most one write timeout at the end.
      expect(elapsed).toBeLessThan(4_000 + 25_000);
    } finally {
      await local.stop();
      await srv.close();
    }
  }, 90_000);
});

async function reached(url: string): Promise<boolean> {
  const r = await promQuery(url, `count(k6_http_reqs_total{testid="${TESTID}",instance="survivor"})`).catch(() => undefined);
  return (r?.data?.result.length ?? 0) > 0;
}
