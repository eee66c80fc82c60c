import { mkdtempSync, writeFileSync } from "node:fs";
import { HAS_CHROMIUM, launchChromium } from "../helpers/tools.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConformanceReport } from "../../src/checks/run.js";
import type { CompareReport } from "../../src/compare/report.js";
import type { LoadReport } from "../../src/load/report.js";
import { runLoad } from "../../src/load/run.js";
import { renderCompareHtml } from "../../src/report/compare-html.js";
import { fixedDelay, startTestServer, targetAt, type TestServer } from "../load/servers.js";

// The compare page as a newcomer opens it: the overall verdict first, and the summary table's
// result column visible on a 1400 px wide window.

const dir = mkdtempSync(join(tmpdir(), "rh-compare-html-"));

let server: TestServer;
let load: LoadReport;

beforeAll(async () => {
  server = await startTestServer(fixedDelay(2));
  load = await runLoad(targetAt(server.url, "loopback"), { docs: [10, 50, 100], rate: 20, durationMs: 600, warmupMs: 0 });
}, 30_000);
afterAll(() => server?.close());

function conformance(label: string, failing: string[]): ConformanceReport {
  const ids = ["schema.response", "sort.descending", "relevance.seed"];
  const outcomes = ids.map((id) => ({
    id,
    area: id.split(".")[0] as "schema",
    level: "MUST" as const,
    statement: id,
    source: "test",
    status: failing.includes(id) ? ("fail" as const) : ("pass" as const),
    ...(failing.includes(id) ? { message: "ranked index 2 first; expected 1" } : {}),
    duration_ms: 1,
  }));
  const fail = outcomes.filter((o) => o.status === "fail").length;
  return {
    target: label,
    base_url: "http://127.0.0.1:1",
    dialect: "vllm",
    started_at: load.started_at,
    duration_ms: 10,
    checks: outcomes,
    summary: { pass: ids.length - fail, fail, warn: 0, skip: 0, known: 0, xpass: 0 },
    passed: fail === 0,
  };
}

/** A failed comparison of three targets with long labels: only the checks of the second failed. */
function failedComparison(): CompareReport {
  const labels = ["self-hosted vLLM (BAAI/bge-reranker-v2-m3, 1×A100)", "tiny-bert process on port 40123", "https://api.cohere.com (rerank-v3.5)"];
  const targets = labels.map((label, i) => ({
    label,
    spec: label,
    dialect: "vllm",
    model: "m",
    base_url: "http://127.0.0.1:1",
    conformance: conformance(label, i === 1 ? ["relevance.seed"] : []),
    // Load verdicts set to PASS (a short run on a shared machine may miss a rate): the checks alone fail this run.
    load: { ...load, target: label, passed: true, scenarios: load.scenarios.map((s) => ({ ...s, pass: true, failures: [] })) },
  }));
  return {
    started_at: load.started_at,
    duration_ms: 1000,
    settings: { seed: 42, duration_ms: 600, skip_checks: false, skip_load: false, same_model: false, relevance_sets: 22 },
    targets,
    agreement: [],
    passed: false,
  };
}

describe("compare HTML page", () => {
  it("opens with the overall verdict and its reasons; per-target header verdicts say they are the load's", () => {
    const html = renderCompareHtml(failedComparison());
    const main = html.slice(html.indexOf("<main>"));
    expect(main.indexOf('id="compare-verdict"')).toBeGreaterThan(0);
    expect(main.indexOf('id="compare-verdict"')).toBeLessThan(main.indexOf("<h2>Summary</h2>"));
    expect(html).toMatch(/Result: <span class="fail">FAIL/);
    expect(html).toContain("tiny-bert process on port 40123: 1 check failed (relevance.seed)");
    expect(html).toContain('— <span class="pass">load PASS</span>');
    expect(html).not.toMatch(/— <span class="pass">PASS<\/span>/);
  });

  it.skipIf(!HAS_CHROMIUM)(
    "in headless Chromium at 1400 px: FAIL is the first thing on the page and the result column is in view",
    async () => {
      const file = join(dir, "compare.html");
      writeFileSync(file, renderCompareHtml(failedComparison()));
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const problems: string[] = [];
        page.on("pageerror", (e) => problems.push(e.message));
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector("body[data-charts-ready=true]", { timeout: 15_000 });
        const firstCard = page.locator("main > section").first();
        expect(await firstCard.getAttribute("id")).toBe("compare-verdict");
        expect(await firstCard.textContent()).toMatch(/^Result: FAIL \(a MUST check or a load threshold failed\).*relevance\.seed/s);
        // Above the fold: the verdict's heading is inside the first screen.
        const box = await firstCard.locator("h2").boundingBox();
        expect(box!.y + box!.height).toBeLessThan(900);

        // Every summary cell, the last (result) column included, lies inside the card without scrolling sideways.
        const fit = (await page.evaluate(`(() => {
        const scroller = document.querySelector("main section .scroll");
        const table = scroller.querySelector("table");
        const result = [...table.querySelectorAll("tr")].map((tr) => tr.lastElementChild.getBoundingClientRect().right);
        return { scroll: scroller.scrollWidth, client: scroller.clientWidth, right: scroller.getBoundingClientRect().right, result, header: table.querySelector("tr").lastElementChild.textContent };
      })()`)) as { scroll: number; client: number; right: number; result: number[]; header: string };
        expect(fit.header).toBe("result");
        expect(fit.scroll).toBeLessThanOrEqual(fit.client);
        for (const r of fit.result) expect(r).toBeLessThanOrEqual(fit.right + 0.5);
        await page.screenshot({ path: join(dir, "compare-1400.png"), fullPage: false });
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
