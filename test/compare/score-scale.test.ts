import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceServer, type ReferenceServer } from "../../src/reference/server.js";
import { CompareReportJson } from "../../src/report/compare-json.js";
import { runCli } from "../cli/run-cli.js";
import { startRewritingProxy, type RewritingProxy } from "../servers/rewriting-proxy.js";

// The same tiny-bert weights behind a probability dialect (the embedded reference, vLLM) and
// behind a llama.cpp-shaped server that answers the raw logit, as llama.cpp's rank pooling does.
const logit = (p: number) => Math.log(p / (1 - p));
let reference: ReferenceServer;
let logits: RewritingProxy;

beforeAll(async () => {
  reference = await startReferenceServer({ model: "tiny-bert", port: 0 });
  logits = await startRewritingProxy(reference, (seen) => {
    if (seen.method !== "POST" || seen.status !== 200 || !Array.isArray(seen.json?.results)) return undefined;
    const results = seen.json.results.map((r: { index: number; relevance_score: number }) => ({ index: r.index, relevance_score: logit(r.relevance_score) }));
    return { status: 200, json: { model: seen.json.model, object: "list", usage: { prompt_tokens: 1, total_tokens: 1 }, results } };
  });
}, 60_000);
afterAll(async () => {
  await logits?.close();
  await reference?.close();
});

describe("compare on one score scale", () => {
  it("maps a logit target through the sigmoid before the score delta, and says so", async () => {
    const json = join(mkdtempSync(join(tmpdir(), "rh-scale-")), "compare.json");
    const run = await runCli(
      [
        "compare",
        "--target",
        "embedded",
        "--reference",
        "tiny-bert",
        "--target",
        `${logits.url}#dialect=llamacpp&name=logits`,
        "--skip-checks",
        "--skip-load",
        "--json",
        json,
        "--no-progress",
      ],
      { timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const report = CompareReportJson.parse(JSON.parse(readFileSync(json, "utf8")));
    const [pair] = report.agreement;
    expect(pair).toMatchObject({ b: "logits", score_scale: "probability", score_kinds: { a: "probability", b: "logit" }, top1: 1, kendall_tau: 1 });
    // Identical model, so only the float round trip p -> logit -> sigmoid remains.
    expect(pair!.mean_abs_delta_score!).toBeLessThan(1e-5);
    expect(run.stdout).toMatch(/mean \|Δscore\| vs baseline \(probability scale\)\s+\(baseline\)\s+0\.0000 \(logits → sigmoid\)/);
  }, 90_000);
});
