/**
 * A real llama.cpp `llama-server` (built from the source node-llama-cpp ships, see
 * scripts/llama-server.ts) serving the tiny-bert fixture as a BERT reranker GGUF. Run by
 * `npm run test:real`, which builds the server first or reuses the cached build. A missing or
 * failed build fails here with the reason: there is no skip.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureLlamaServer, type LlamaServerBuild } from "../../scripts/llama-server.js";
import { tinyBertGgufPath } from "../../src/reference/fixtures.js";
import { runCli } from "../cli/run-cli.js";
import { startLlamaServer, type RunningLlamaServer } from "./llama-server-process.js";

interface JsonReport {
  dialect: string;
  checks: Array<{ id: string; status: string; message?: string; known_fault?: { origin: string } }>;
}

const dir = mkdtempSync(join(tmpdir(), "rh-llama-real-"));
let build: LlamaServerBuild;
let server: RunningLlamaServer;

beforeAll(async () => {
  build = await ensureLlamaServer((line) => process.stderr.write(`${line}\n`));
  server = await startLlamaServer(build.binary, await tinyBertGgufPath());
}, 60 * 60_000);

afterAll(async () => {
  await server?.stop();
});

describe(`llama.cpp llama-server (node-llama-cpp's llama.cpp) serving tiny-bert as a GGUF`, () => {
  test("the GGUF loads as the tiny-bert reranker: its size, vocabulary and context; one logit per document", async () => {
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: Array<{ meta: Record<string, unknown> }> };
    expect(models.data[0]?.meta).toMatchObject({ n_vocab: 30522, n_ctx_train: 512, n_embd: 128, ftype: "all F32" });
    const r = await fetch(`${server.url}/v1/rerank`, {
      method: "POST",
      body: JSON.stringify({ query: "What is the capital of France?", documents: ["a", "b", "c"] }),
    });
    const body = (await r.json()) as { results: Array<{ index: number; relevance_score: number }> };
    expect(body.results.map((x) => x.index).sort()).toEqual([0, 1, 2]);
    for (const x of body.results) expect(Number.isFinite(x.relevance_score)).toBe(true);
  });

  test("check --dialect auto finds llamacpp; every contract check passes; the two known faults show as KNOWN", async () => {
    const json = join(dir, "check.json");
    const expect_ = join(dir, "expect.txt");
    // The fixture's weights are random: it cannot rank the seed's relevant document first.
    writeFileSync(expect_, "relevance.seed tiny-bert has seeded random weights: its ranking is arbitrary\n");
    const run = await runCli(["check", "--target", server.url, "--dialect", "auto", "--expect-failures", expect_, "--fuzz", "10", "--json", json], {
      timeoutMs: 300_000,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/dialect auto: .* speaks .*llama\.cpp/i);
    const report = JSON.parse(readFileSync(json, "utf8")) as JsonReport;
    expect(report.dialect).toBe("llamacpp");
    const status = Object.fromEntries(report.checks.map((o) => [o.id, o]));
    expect(status["errors.malformed_json"]).toMatchObject({ status: "known", known_fault: { origin: "dialect" } });
    expect(status["errors.too_long"]).toMatchObject({ status: "known", known_fault: { origin: "dialect" } });
    expect(status["relevance.seed"]).toMatchObject({ status: "known", known_fault: { origin: "expect-failures" } });
    // ggml's CPU kernels round differently for other batch shapes: a document's logit moves by about
    // 3e-5 (0.006%) between alone and in a batch, which the invariance checks report as a warning
    // (beyond float noise, within the batching tolerance), never a failure.
    const batchNoise = (o: { id: string; status: string; message?: string }) =>
      o.status === "warn" && o.id.startsWith("invariance.") && /within the tolerance for GPU batching/.test(o.message ?? "");
    const unexpected = report.checks.filter((o) => !["pass", "skip", "known"].includes(o.status) && o.id !== "relevance.labelled" && !batchNoise(o));
    expect(report.checks.filter((o) => o.status === "fail")).toEqual([]);
    expect(unexpected.map((o) => `${o.id}: ${o.status} ${o.message ?? ""}`)).toEqual([]);
  }, 320_000);

  test("check --fidelity tiny-bert fails, and the diagnosis names token types (llama.cpp PR #21729)", async () => {
    const json = join(dir, "fidelity.json");
    const run = await runCli(["check", "--target", server.url, "--dialect", "llamacpp", "--fidelity", "tiny-bert", "--only", "fidelity", "--json", json], {
      timeoutMs: 300_000,
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const report = JSON.parse(readFileSync(json, "utf8")) as JsonReport;
    const scores = report.checks.find((o) => o.id === "fidelity.scores")!;
    expect(scores.status).toBe("fail");
    expect(scores.message).toMatch(/on the logit scale/);
    expect(scores.message).toMatch(/match the model with token types zeroed .*llama\.cpp PR #21729/);
  }, 320_000);

  test("compare with the embedded tiny-bert takes the score delta on one scale: small, not the sigmoid's offset", async () => {
    const json = join(dir, "compare.json");
    const run = await runCli(
      [
        "compare",
        "--target",
        "embedded",
        "--reference",
        "tiny-bert",
        "--target",
        `${server.url}#dialect=llamacpp&name=llama.cpp`,
        "--skip-checks",
        "--skip-load",
        "--same-model",
        "--json",
        json,
        "--no-progress",
      ],
      { timeoutMs: 300_000 },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      agreement: Array<{ mean_abs_delta_score: number; score_scale: string; score_kinds: { a: string; b: string } }>;
    };
    const [pair] = report.agreement;
    expect(pair).toMatchObject({ score_scale: "probability", score_kinds: { a: "probability", b: "logit" } });
    // Token types zeroed move the logits by about 0.04 (sigmoid slope near 0.25 there): about 0.01 on
    // the probability scale. Subtracting logits from probabilities gave 0.91 before.
    expect(pair!.mean_abs_delta_score).toBeGreaterThan(0.001);
    expect(pair!.mean_abs_delta_score).toBeLessThan(0.05);
  }, 320_000);
});
