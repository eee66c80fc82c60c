import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceServer, type ReferenceServer } from "../../src/reference/server.js";
import { CompareReportJson } from "../../src/report/compare-json.js";
import { runCli } from "../cli/run-cli.js";
import { HAS_CHROMIUM, launchChromium } from "../helpers/tools.js";
import { startNoisyServer } from "./noisy-server.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "rh-compare-"));
const NOISE = 0.005;
let reference: ReferenceServer;
let noisy: { url: string; close(): Promise<void> };

beforeAll(async () => {
  reference = await startReferenceServer({ model: "bm25", port: 0 });
  noisy = await startNoisyServer(reference.url, NOISE);
});
afterAll(async () => {
  await noisy?.close();
  await reference?.close();
});

describe("rerank-harness compare", () => {
  let report: CompareReportJson;
  let stdout = "";
  const html = join(dir, "compare.html");
  const json = join(dir, "compare.json");

  it("compares the embedded reference with a tiny-bert process and a noisy copy of itself", async () => {
    const run = await runCli(
      [
        "compare",
        "--target",
        "embedded",
        // {harness}: this CLI however it was started (here: node --import tsx src/cli.ts).
        "--target",
        "process:{harness} serve --model tiny-bert --port {port}#name=tiny-bert-process",
        "--target",
        `${noisy.url}#name=noisy-bm25`,
        "--docs",
        "10",
        "--rate",
        "5",
        "--duration",
        "1s",
        "--warmup",
        "0",
        "--only",
        "sort.,relevance.seed",
        "--json",
        json,
        "--html",
        html,
        "--no-progress",
      ],
      { timeoutMs: 80_000 },
    );
    stdout = run.stdout;
    // Exit 1: tiny-bert's random weights fail relevance.seed (and the CPU targets may miss the A100 latency targets).
    expect(run.code, run.stderr).toBe(1);
    // Strict schema: a field the published schema does not describe fails here.
    report = CompareReportJson.parse(JSON.parse(readFileSync(json, "utf8")));
    expect(report.schema_version).toBe(2);
    expect(report.targets.map((t) => t.label)).toEqual(["embedded (bm25)", "tiny-bert-process", "noisy-bm25"]);
    expect(report.targets.map((t) => t.conformance?.checks.filter((o) => o.status === "fail").map((o) => o.id))).toEqual([[], ["relevance.seed"], []]);
    // The model row shows what URL and process targets answer with, as well as the embedded one's.
    expect(report.targets.map((t) => t.model)).toEqual(["bm25", "tiny-bert", "bm25"]);
    for (const t of report.targets) {
      expect(t.error).toBeUndefined();
      expect(t.load?.scenarios.map((s) => [s.name, s.ok > 0])).toEqual([["docs_10", true]]);
      expect(t.load?.scenarios[0]!.workload.seed).toBe(42);
    }
    expect(report.passed).toBe(false);
  }, 90_000);

  it("agreement figures reflect each target: near-identical for the noisy copy, poor for tiny-bert", () => {
    const [tiny, noisyPair] = report.agreement;
    expect(report.agreement).toHaveLength(2);
    // Noise well below the score gaps: same winner everywhere, tau near 1 (tau-b < 1 only where bm25 ties distractors),
    // and the score difference of uniform noise of amplitude 0.005 (mean 0.0025).
    expect(noisyPair).toMatchObject({ a: "embedded (bm25)", b: "noisy-bm25", sets: report.settings.relevance_sets, top1: 1 });
    expect(noisyPair!.kendall_tau!).toBeGreaterThan(0.8);
    expect(noisyPair!.mean_abs_delta_score!).toBeGreaterThan(0.001);
    expect(noisyPair!.mean_abs_delta_score!).toBeLessThanOrEqual(NOISE);
    // tiny-bert has seeded random weights: its ranking has nothing to do with bm25's, and it is another model.
    expect(tiny).toMatchObject({ b: "tiny-bert-process" });
    expect(tiny!.top1!).toBeLessThan(0.5);
    expect(tiny!.kendall_tau!).toBeLessThan(0.5);
    expect(tiny).not.toHaveProperty("mean_abs_delta_score");
    expect(report.targets[0]!.labels).toMatchObject({ hit_at_1: 1 });
    expect(report.targets[2]!.labels).toMatchObject({ hit_at_1: 1 });
  });

  it("prints a side-by-side table", () => {
    expect(stdout).toMatch(/embedded \(bm25\)\s+tiny-bert-process\s+noisy-bm25/);
    expect(stdout).toMatch(/top-1 agreement vs baseline\s+\(baseline\)\s+0\.\d\d\s+1\.00/);
    expect(stdout).toMatch(/docs_10 p50\/p95\/p99 ms/);
    expect(stdout).toMatch(/mean \|Δscore\| vs baseline \(probability scale\)\s+\(baseline\)\s+n\/a \(other model\)\s+0\.00\d\d/);
    expect(stdout).toMatch(/^model\s+bm25\s+tiny-bert\s+bm25$/m);
    expect(stdout).toMatch(/^result: FAIL \(a MUST check or a load threshold failed\)$/m);
  });

  it("leaves no serve process behind", () => {
    const ps = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(ps.split("\n").filter((l) => l.includes(CLI) && l.includes("serve --model tiny-bert"))).toEqual([]);
  });

  it("writes one self-contained HTML page with a chart section per view", () => {
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    for (const id of ["compare-targets", "compare-conformance", "compare-agreement"]) expect(page).toContain(`id="${id}"`);
  });

  it.skipIf(!HAS_CHROMIUM)(
    "…that renders its charts in headless Chromium without console errors (skipped without Chromium)",
    async () => {
      const browser = await launchChromium();
      try {
        const tab = await browser.newPage();
        const problems: string[] = [];
        tab.on("console", (m) => {
          if (m.type() === "error") problems.push(m.text());
        });
        tab.on("pageerror", (e) => problems.push(e.message));
        await tab.goto(pathToFileURL(html).href);
        await tab.waitForSelector("body[data-charts-ready=true]", { timeout: 15_000 });
        // A string, evaluated in the page (this project has no DOM typings): datasets per drawn chart.
        const drawn = (await tab.evaluate(
          `Array.from(document.querySelectorAll("canvas")).map((c) => { const chart = Chart.getChart(c); return chart ? chart.data.datasets.length : 0; })`,
        )) as number[];
        // One scenario: distribution, latency over time, throughput; each with a dataset per target.
        expect(drawn).toHaveLength(3);
        for (const n of drawn) expect(n).toBeGreaterThanOrEqual(3);
        expect(await tab.locator("#compare-agreement td", { hasText: "noisy-bm25" }).count()).toBeGreaterThan(0);
        // The page opens with the run's verdict, FAIL, and the check that made it so.
        expect(await tab.locator("main > section").first().getAttribute("id")).toBe("compare-verdict");
        expect(await tab.locator("#compare-verdict").textContent()).toMatch(/^Result: FAIL.*tiny-bert-process: 1 check failed \(relevance\.seed\)/s);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    30_000,
  );
});

describe("rerank-harness compare: start-up", () => {
  it("--dry-run prints the container specs as JSON without Docker and exits 0", async () => {
    const run = await runCli(["compare", "--target", "container:vllm", "--target", "container:tei#gpus=none", "--gpus", "all", "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    const plans = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(plans.map((p) => [p["server"], p["exposedPort"], p["healthPath"]])).toEqual([
      ["vllm", 8000, "/health"],
      ["tei", 80, "/health"],
    ]);
    expect(plans[0]!["deviceRequests"]).toEqual([{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }]);
    expect(plans[1]!["deviceRequests"]).toEqual([]);
  });

  it("an unreachable URL target exits 2 with the reason; needs two targets", async () => {
    const [run, one, badGpus] = await Promise.all([
      runCli(["compare", "--target", "http://127.0.0.1:1", "--target", "embedded", "--skip-load", "--skip-checks"]),
      runCli(["compare", "--target", "embedded"]),
      runCli(["compare", "--target", "container:vllm", "--target", "cohere", "--gpus", "lots", "--dry-run"]),
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/could not start: .*ERR_CONNECTION_REFUSED/);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/two or more targets/);
    expect(badGpus.stderr).toMatch(/--gpus "lots"/);
    expect(badGpus.code).toBe(2);
  });
});
