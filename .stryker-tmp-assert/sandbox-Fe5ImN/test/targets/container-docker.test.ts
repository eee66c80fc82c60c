// @ts-nocheck
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { callRerank } from "../../src/client/rerank-call.js";
import { parseTargetSpec } from "../../src/targets/spec.js";
import { startTarget } from "../../src/targets/start.js";
import type { TargetContext } from "../../src/targets/target.js";

/** Whether a Docker engine answers (testcontainers' own discovery, bounded). */
async function dockerAnswers(): Promise<boolean> {
  const hinted = existsSync("/var/run/docker.sock") || !!process.env["DOCKER_HOST"] || !!process.env["TESTCONTAINERS_HOST_OVERRIDE"];
  if (!hinted) return false;
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 5_000).unref());
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return true;
  } catch {
    return false;
  }
}

const docker = await dockerAnswers();
if (!docker) console.warn("Docker engine not available: skipping real container test");

describe("container targets without a Docker engine", () => {
  it.runIf(!docker)("fail at once with a start error (exit 2) that points to --dry-run", async () => {
    const ctx: TargetContext = { reference: "bm25", apiKeyEnv: "RERANK_API_KEY", timeoutMs: 5_000, log: () => {} };
    await expect(startTarget(parseTargetSpec("container:vllm"), ctx)).rejects.toThrow(/no Docker engine available.*--dry-run/);
  });
});

describe("container:tei against a real Docker engine", () => {
  it.skipIf(!docker)(
    "starts TEI on CPU with a tiny reranker, answers one rerank, and stops",
    async () => {
      const ctx: TargetContext = {
        reference: "bm25",
        apiKeyEnv: "RERANK_API_KEY",
        timeoutMs: 30_000,
        log: (line) => console.log(line),
        gpus: "none",
        servedModel: "cross-encoder/ms-marco-TinyBERT-L-2-v2",
        cacheDir: process.env["HF_HOME"] ?? mkdtempSync(join(tmpdir(), "rh-hf-")),
      };
      const target = await startTarget(parseTargetSpec("container:tei"), ctx);
      try {
        const client = new HttpClient({ baseUrl: target.baseUrl, timeoutMs: 30_000 });
        const call = await callRerank(client, target.dialect, {
          query: "What is the capital of France?",
          documents: ["The capital of Brazil is Brasilia.", "The capital of France is Paris."],
        });
        await client.close();
        expect(call.exchange.status).toBe(200);
        expect(call.output!.results[0]!.index).toBe(1);
      } finally {
        await target.stop();
      }
    },
    15 * 60_000,
  );
});
