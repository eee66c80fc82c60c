import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { marked } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliRun } from "../cli/run-cli.js";
import { HAS_CHROMIUM, launchChromium } from "../helpers/tools.js";
import { startRewritingProxy, type RewritingProxy } from "../servers/rewriting-proxy.js";
import { SERVED_MODEL, startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";
import { startTestServer, vllmBody } from "../load/servers.js";

// `check --summary` end to end against a faulty server (results unsorted) whose answers also
// carry hostile text and the API key: the Markdown file, GitHub's step summary (appended), the
// workflow annotations, and the summary rendered by a GFM renderer in Chromium as GitHub shows it.

const KEY = "sk-summary-cli-secret-4242";
const HOSTILE = `<img src=x onerror="window.__pwned=1"> </details></details> \`\`\`\n| cell | ${KEY}`;
const dir = mkdtempSync(join(tmpdir(), "rh-summary-cli-"));
const summaryFile = join(dir, "summary.md");
const stepSummary = join(dir, "step-summary.md");

let upstream: TestServer;
let proxy: RewritingProxy;
let run: CliRun;

beforeAll(async () => {
  upstream = await startVllmLikeServer({ fault: "unsorted" });
  // Successful rerank answers gain a field with markup, a fence and the key in it.
  proxy = await startRewritingProxy(upstream, (s) =>
    s.status === 200 && s.json && Array.isArray(s.json.results) ? { status: 200, json: { note: HOSTILE, ...s.json } } : undefined,
  );
  writeFileSync(stepSummary, "# an earlier step's summary\n");
  run = await runCli(
    ["check", "--target", proxy.url, "--dialect", "vllm", "--model", SERVED_MODEL, "--fuzz", "0", "--only", "sort.,schema.,top_n.", "--summary", summaryFile],
    {
      env: { RERANK_API_KEY: KEY, GITHUB_STEP_SUMMARY: stepSummary, GITHUB_ACTIONS: "true" },
      timeoutMs: 80_000,
    },
  );
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("check --summary against a faulty server", () => {
  it("exits 1 and writes the summary, verdict first, the failing check with its exchange", () => {
    expect(run.code, run.stderr).toBe(1);
    const md = readFileSync(summaryFile, "utf8");
    expect(md.split("\n")[0]).toBe("## ❌ rerank-harness check: FAILED");
    expect(md).toMatch(/<summary>❌ <code>sort\.descending<\/code>: results are not sorted/);
    expect(md).toContain("[REDACTED]");
    expect(md).not.toContain(KEY);
    expect(run.stderr).toContain(`wrote ${summaryFile}`);
  });

  it("appends the same summary to $GITHUB_STEP_SUMMARY after what was there", () => {
    const step = readFileSync(stepSummary, "utf8");
    expect(step).toBe(`# an earlier step's summary\n\n${readFileSync(summaryFile, "utf8")}`);
  });

  it("prints one ::error annotation per failed check, one line each, without the key", () => {
    const annotations = run.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(annotations.some((l) => /^::error title=rerank-harness check%3A sort\.descending::results are not sorted/.test(l))).toBe(true);
    const failed = Number(/^FAILED: \d+ passed, (\d+) failed/m.exec(run.stdout)![1]);
    expect(failed).toBeGreaterThan(0);
    expect(annotations.filter((l) => l.startsWith("::error "))).toHaveLength(Math.min(failed, 10));
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  it.skipIf(!HAS_CHROMIUM)(
    "renders in Chromium with the verdict and the failing check at the top, and no injected markup (skipped without chromium)",
    async () => {
      const html = marked.parse(readFileSync(summaryFile, "utf8"), { async: false, gfm: true });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
        await page.setContent(`<!doctype html><meta charset="utf-8"><body style="font-family:sans-serif;max-width:960px">${html}</body>`);
        const heading = page.locator("h2").first();
        expect(await heading.textContent()).toBe("❌ rerank-harness check: FAILED");
        const failing = page.locator("details > summary", { hasText: "sort.descending" }).first();
        await expect.poll(() => failing.count()).toBe(1);
        // Both in the first screenful, the verdict above the failure.
        const h = (await heading.boundingBox())!;
        const f = (await failing.boundingBox())!;
        expect(h.y).toBeLessThan(f.y);
        expect(f.y + f.height).toBeLessThan(700);
        // The server's markup stayed text: no element, no handler run; its exchange opens on click.
        expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
        expect(await page.locator("img").count()).toBe(0);
        await failing.click();
        const opened = page.locator("details[open] pre code").first();
        expect(await opened.textContent()).toContain('<img src=x onerror=\\"window.__pwned=1\\">');
        await page.screenshot({ path: join(tmpdir(), "rh-summary-check.png"), fullPage: false });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

describe("load --summary against a server that fails half its requests", () => {
  it("exits 1; the summary and the ::error name the scenario, the reason and the server's first error, without the key", async () => {
    let n = 0;
    // The first request (the preflight) succeeds, then every other one is a 503 with markup and the key.
    const server = await startTestServer((_req, res) => {
      if (n++ % 2 === 0) res.writeHead(200, { "content-type": "application/json" }).end(vllmBody());
      else res.writeHead(503, { "content-type": "text/html" }).end(`<h1>overloaded</h1> key=${KEY}`);
    });
    const file = join(dir, "load-summary.md");
    try {
      const load = await runCli(
        [
          "load",
          "--target",
          server.url,
          "--dialect",
          "vllm",
          "--docs",
          "10",
          "--rate",
          "20",
          "--duration",
          "1s",
          "--warmup",
          "0s",
          "--no-progress",
          "--summary",
          file,
        ],
        {
          env: { RERANK_API_KEY: KEY, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "" },
          timeoutMs: 60_000,
        },
      );
      expect(load.code, load.stderr).toBe(1);
      const md = readFileSync(file, "utf8");
      expect(md.split("\n")[0]).toBe("## ❌ rerank-harness load: FAILED");
      expect(md).toMatch(/<summary>❌ <code>docs_10<\/code>: [^<]*errors and drops \d+\.\d+% &gt; 1\.00% allowed/);
      expect(md).toContain("<h1>overloaded</h1> key=[REDACTED]"); // in a code block
      expect(load.stdout).toMatch(/^::error title=rerank-harness load%3A docs_10::[^\n]*errors and drops/m);
      expect(md + load.stdout + load.stderr).not.toContain(KEY);
    } finally {
      await server.close();
    }
  }, 70_000);
});
