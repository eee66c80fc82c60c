import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { HAS_CHROMIUM, launchChromium } from "../helpers/tools.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "../../src/load/run.js";
import type { LoadReport } from "../../src/load/report.js";
import { renderLoadHtml } from "../../src/report/load-html.js";
import { fixedDelay, startTestServer, targetAt, type TestServer } from "./servers.js";

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

  it.skipIf(!HAS_CHROMIUM)(
    "opens in headless Chromium with no console errors and visible charts (screenshot)",
    async () => {
      const second: LoadReport = { ...report, target: "second run", scenarios: report.scenarios.map((s) => ({ ...s, latency_ms: { ...s.latency_ms } })) };
      const file = join(dir, "load.html");
      writeFileSync(
        file,
        renderLoadHtml(
          [
            { label: "first", report },
            { label: "second </script>", report: second },
          ],
          { extraSectionsHtml: ['<section class="card" id="extra">extra</section>'] },
        ),
      );

      const browser = await launchChromium();
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
        // Each line has its own colour (so the legends differ), and the latency-over-time axis ends at the data.
        const charts = (await page.evaluate(`[...document.querySelectorAll("canvas")].map((c) => {
        const chart = Chart.getChart(c);
        const lines = chart.data.datasets.filter((d) => !/target/.test(d.label));
        const xs = lines.flatMap((d) => d.data.map((p) => p.x));
        return { id: c.id, labels: lines.map((d) => d.label), colours: lines.map((d) => d.borderColor), xMax: chart.scales.x.max, dataMax: Math.max(...xs) };
      })`)) as Array<{ id: string; labels: string[]; colours: string[]; xMax: number; dataMax: number }>;
        for (const c of charts.filter((x) => /^(lat|tput)-/.test(x.id))) {
          expect(new Set(c.colours).size, `${c.id}: ${c.labels.join(", ")}`).toBe(c.colours.length);
        }
        for (const c of charts.filter((x) => x.id.startsWith("lat-"))) expect(c.xMax, c.id).toBe(c.dataMax);
        expect(await page.locator("#extra").textContent()).toBe("extra");
        expect(await page.locator("table td", { hasText: "second </script>" }).count()).toBeGreaterThan(0);

        const shot = join(dir, "load.png");
        await page.screenshot({ path: shot, fullPage: true });
        expect(statSync(shot).size).toBeGreaterThan(20_000);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
