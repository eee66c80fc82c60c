// @ts-nocheck
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "../../src/load/run.js";
import type { LoadReport } from "../../src/load/report.js";
import { renderLoadHtml } from "../../src/report/load-html.js";
import { fixedDelay, startTestServer, targetAt, type TestServer } from "./servers.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const dir = mkdtempSync(join(tmpdir(), "rh-load-html-"));

let server: TestServer;
let report: LoadReport;

beforeAll(async () => {
  server = await startTestServer(fixedDelay(3, { "x-total-time": "2" }));
  report = await runLoad(targetAt(server.url, `local <b>"quoted"</b>`), { docs: [10, 50], rate: 40, durationMs: 1_500, warmupMs: 200 });
}, 30_000);
afterAll(() => server?.close());

describe("HTML report", () => {
  it("is self-contained: Chart.js inlined, data escaped, no external references", () => {
    const html = renderLoadHtml([{ label: "one", report }]);
    expect(html).toContain("Chart.js v4");
    // Nothing loads from elsewhere (the browser test also watches for requests).
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|url\(\s*["']?https?:|@import/i);
    expect(html).toContain("local &lt;b&gt;&quot;quoted&quot;&lt;/b&gt;");
    expect(html).not.toContain(`<b>"quoted"</b>`);
  });

  it.skipIf(!existsSync(CHROMIUM))("opens in headless Chromium with no console errors and visible charts (screenshot)", async () => {
    const { chromium } = await import("playwright-core");
    const second: LoadReport = { ...report, target: "second run", scenarios: report.scenarios.map((s) => ({ ...s, latency_ms: { ...s.latency_ms } })) };
    const file = join(dir, "load.html");
    writeFileSync(file, renderLoadHtml([{ label: "first", report }, { label: "second </script>", report: second }], { extraSectionsHtml: ['<section class="card" id="extra">extra</section>'] }));

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) problems.push(`request: ${r.url()}`);
      });
      await page.goto(`file://${file}`);
      await page.waitForSelector("body[data-charts-ready=true]", { timeout: 15_000 });

      // 3 charts per scenario, each drawn: a non-trivial number of painted pixels.
      // (A string, evaluated in the page: the project's TypeScript has no DOM types.)
      const painted = (await page.evaluate(`[...document.querySelectorAll("canvas")].map((c) => {
        const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        const box = c.getBoundingClientRect();
        return { n, w: box.width, h: box.height };
      })`)) as Array<{ n: number; w: number; h: number }>;
      expect(painted).toHaveLength(3 * report.scenarios.length);
      for (const p of painted) {
        expect(p.w).toBeGreaterThan(200);
        expect(p.h).toBeGreaterThan(200);
        expect(p.n).toBeGreaterThan(2_000);
      }
      expect(await page.locator("#extra").textContent()).toBe("extra");
      expect(await page.locator("table td", { hasText: "second </script>" }).count()).toBeGreaterThan(0);

      const shot = join(dir, "load.png");
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
