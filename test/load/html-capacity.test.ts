import { mkdtempSync, writeFileSync } from "node:fs";
import { HAS_CHROMIUM, launchChromium } from "../helpers/tools.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../src/load/baseline.js";
import { parseMix } from "../../src/load/mix.js";
import type { LoadReport } from "../../src/load/report.js";
import { runLoad } from "../../src/load/run.js";
import { parseTargets } from "../../src/load/targets.js";
import { renderLoadHtml } from "../../src/report/load-html.js";
import { renderLoadConsole } from "../../src/report/load-console.js";
import { fixedDelay, startTestServer, targetAt, type TestServer } from "./servers.js";

// The find-max, baseline and mix parts of the console and HTML reports, from real (short) runs.

const dir = mkdtempSync(join(tmpdir(), "rh-load-capacity-html-"));
let server: TestServer;
let capacity: LoadReport;
let mixed: LoadReport;

beforeAll(async () => {
  server = await startTestServer(fixedDelay(2));
  const targets = parseTargets(
    {
      source: "test",
      scenarios: [
        { docs: 3, rps: 20, p95_ms: 1_000 },
        { docs: 6, rps: 20, p95_ms: 1_000 },
      ],
    },
    "test",
  );
  // Bounded by --max-rate: 20, 40, 50 req/s, all passing.
  capacity = await runLoad(targetAt(server.url), { targets, docs: [3], warmupMs: 200, durationMs: 1_000, findMax: { maxRate: 50 } });
  const base = await runLoad(targetAt(server.url), { targets, mix: parseMix("3:0.5,6:0.5"), rate: 40, warmupMs: 200, durationMs: 1_000 });
  mixed = await runLoad(targetAt(server.url), { targets, mix: parseMix("3:0.5,6:0.5"), rate: 40, warmupMs: 200, durationMs: 1_000 });
  mixed.baseline = compareWithBaseline(mixed, base, { file: "base.json", maxRegressionPct: 10 });
}, 60_000);
afterAll(() => server?.close());

describe("find-max, baseline and mix in the reports", () => {
  it("console: the steps table, the capacity line, the mix parts and the baseline table", () => {
    const c = capacity.capacity![0]!;
    expect(c).toMatchObject({ scenario: "docs_3", docs: 3, max_rps: 50, stopped_by: "max_rate", target_p95_ms: 1_000, target_rps: 20 });
    expect(c.steps.map((s) => s.offered_rps)).toEqual([20, 40, 50]);
    const text = renderLoadConsole(capacity);
    expect(text).toContain("docs_3: capacity 50.00 req/s at p95 ≤ 1000 ms; reached --max-rate: the capacity is at least this");
    expect(text).toMatch(/^\s+3\s+50\.00\s+[\d.]+\s+\d+\s+0\s+0\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+PASS$/m);
    expect(text).toContain("capacity found for the scenario");

    const mixText = renderLoadConsole(mixed);
    expect(mixText).toMatch(/^ {2}3 docs [\d.]+% \(asked 50\.0%\)/m);
    expect(mixText).toMatch(/^mix\s+p50 ms\s+[\d.]+ \[[\d.]+–[\d.]+\]/m);
    expect(mixed.baseline!.scenarios[0]!.metrics.map((m) => m.metric)).toEqual(["p50_ms", "p95_ms", "p99_ms", "achieved_rps"]);
  });

  it.skipIf(!HAS_CHROMIUM)(
    "HTML: the latency-versus-throughput chart and the overlaid baseline draw without errors",
    async () => {
      const file = join(dir, "capacity.html");
      writeFileSync(file, renderLoadHtml([{ label: "cap", report: capacity }]));
      const mixFile = join(dir, "mix.html");
      writeFileSync(mixFile, renderLoadHtml([{ label: "mix", report: mixed }]));
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
        await page.goto(`file://${file}`);
        await page.waitForSelector("body[data-charts-ready=true]", { timeout: 15_000 });
        // The knee chart: p50/p95/p99 per step, the capacity marker and the target line.
        const knee = (await page.evaluate(
          `(() => { const c = Chart.getChart(document.getElementById("knee-0")); return c.data.datasets.map((d) => d.label + ":" + d.data.length); })()`,
        )) as string[];
        expect(knee).toEqual(["p50:3", "p95:3", "p99:3", "capacity 50 req/s:2", "target p95 1000 ms:2"]);
        expect(await page.locator("#capacity-0 table tr").count()).toBe(4);

        await page.goto(`file://${mixFile}`);
        await page.waitForSelector("body[data-charts-ready=true]", { timeout: 15_000 });
        const dist = (await page.evaluate(`Chart.getChart(document.getElementById("dist-0")).data.datasets.map((d) => d.label)`)) as string[];
        expect(dist).toContain("baseline");
        expect(await page.locator("#baseline table tr").count()).toBe(5);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
