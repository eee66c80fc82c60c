// Container targets against a real Docker engine, with images built here (test/targets/docker/):
// nothing is pulled from a registry. Skipped, visibly, where no engine answers; CI starts one.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { callRerank } from "../../src/client/rerank-call.js";
import { parseTargetSpec } from "../../src/targets/spec.js";
import { startTarget } from "../../src/targets/start.js";
import { TargetStartError, type TargetContext } from "../../src/targets/target.js";
import { runCli } from "../cli/run-cli.js";
import { buildLog, containersLabelled, docker, dockerAnswers, fakeRerankerImage, referenceImage } from "./docker/images.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const engine = dockerAnswers();
if (!engine) console.warn("SKIPPED: container targets on a real engine: no Docker engine answers `docker info`");
const engineHasNvidia = engine && docker(["info", "--format", "{{json .Runtimes}}"]).includes("nvidia");
if (engineHasNvidia) console.warn("SKIPPED: --gpus all without NVIDIA support: this engine has the nvidia runtime");

/** The CLI's environment with no testcontainers variable set: nothing may depend on one. */
function plainEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  for (const k of Object.keys(env)) if (k.startsWith("TESTCONTAINERS_")) delete env[k];
  return env;
}

const ctx = (extra: Partial<TargetContext> = {}): TargetContext => ({
  reference: "bm25",
  apiKeyEnv: "RERANK_API_KEY",
  timeoutMs: 10_000,
  log: () => {},
  logDir: mkdtempSync(join(tmpdir(), "rh-ctr-logs-")),
  startupTimeoutMs: 60_000,
  ...extra,
});

/** Containers started by process `pid` (running or not), by the label every container carries. */
const containersOf = (pid: number) => containersLabelled(`rerank-harness.pid=${pid}`);

/** Spawns the CLI without a time limit of its own; the test signals it. */
function spawnCli(args: string[]): { child: ChildProcessWithoutNullStreams; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...plainEnv(), FORCE_COLOR: "0" } });
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  child.stdout.on("data", () => {});
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stderr: () => stderr, exit };
}

async function until(what: string, condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!engine)("container targets on a real Docker engine (local images, no registry)", () => {
  let fake = "";
  let reference = "";
  beforeAll(() => {
    fake = fakeRerankerImage();
    reference = referenceImage();
  }, 600_000);
  afterAll(() => {
    console.log(`images: ${buildLog.map((b) => `${b.tag} ${b.cached ? "cached" : `built in ${b.seconds.toFixed(1)} s`}`).join("; ")}`);
    if (engine) expect(containersOf(process.pid)).toEqual([]);
  });

  it("the Dockerfile's image as container:reference passes check, with no environment variable set", async () => {
    const run = await runCli(["check", "--target", "container:reference", "--image", reference, "--fuzz", "10"], { env: plainEnv(), timeoutMs: 300_000 });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/PASSED/);
    expect(run.stderr).toMatch(/ready at http:\/\/127\.0\.0\.1:\d+/);
    // The engine runs on this machine (in this container, in CI): its ports are reachable here.
    expect(run.stderr).not.toMatch(/warning: the Docker engine is on/);
  }, 310_000);

  it("a local image as container:IMAGE with its own args passes checks; a faulty one fails them (exit 1)", async () => {
    const [good, bad] = await Promise.all([
      runCli(["check", "--only", "sort.,schema.", "--target", `container:${fake}#args=--port%209100&port=9100`], { env: plainEnv(), timeoutMs: 240_000 }),
      runCli(["check", "--only", "sort.", "--target", `container:${fake}#args=--port%208000%20--unsorted`], { env: plainEnv(), timeoutMs: 240_000 }),
    ]);
    expect(good.code, good.stderr + good.stdout).toBe(0);
    expect(bad.code, bad.stderr + bad.stdout).toBe(1);
    expect(bad.stdout).toMatch(/FAIL\s+sort\.descending/);
  }, 250_000);

  it("publishes on 127.0.0.1 only, labels the container with its run, answers reranks, and removes it on stop", async () => {
    const target = await startTarget(parseTargetSpec(`container:${fake}`), ctx());
    const [id] = containersOf(process.pid);
    try {
      expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const inspect = JSON.parse(docker(["inspect", id!]))[0];
      expect(inspect.NetworkSettings.Ports["8000/tcp"].map((b: { HostIp: string }) => b.HostIp)).toEqual(["127.0.0.1"]);
      expect(inspect.Config.Labels).toMatchObject({ "rerank-harness.pid": String(process.pid), "rerank-harness.run": expect.any(String) });
      const client = new HttpClient({ baseUrl: target.baseUrl, timeoutMs: 10_000 });
      const call = await callRerank(client, target.dialect, { query: "capital of France", documents: ["cows eat grass", "Paris is the capital of France"] });
      await client.close();
      expect(call.output!.results[0]!.index).toBe(1);
    } finally {
      await target.stop();
    }
    expect(containersOf(process.pid)).toEqual([]);
  }, 90_000);

  it("a container that exits at once: exit code and output in the message and the log, nothing left, well within 30 s", async () => {
    const t0 = Date.now();
    const err = (await startTarget(parseTargetSpec(`container:${fake}#args=--exit%203`), ctx()).catch((e: unknown) => e)) as TargetStartError;
    expect(err).toBeInstanceOf(TargetStartError);
    expect(err.message).toMatch(/exited during start-up with exit code 3 after [\d.]+ s; full log: (\S+)/);
    expect(err.outputTail).toContain('fatal: model "no/such-model" not found');
    expect(readFileSync(err.message.match(/full log: (\S+)/)![1]!, "utf8")).toContain("fatal:");
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(containersOf(process.pid)).toEqual([]);
  }, 60_000);

  it("a missing image fails fast naming the pull and the fix; a health timeout names the last answer and the seconds", async () => {
    const t0 = Date.now();
    const [pull, health] = (await Promise.all([
      startTarget(parseTargetSpec("container:rerank-harness-test/not-built-here:0.0.1"), ctx()).catch((e: Error) => e),
      startTarget(parseTargetSpec(`container:${fake}#args=--port%208000%20--health-status%20503`), ctx({ startupTimeoutMs: 3_000 })).catch((e: Error) => e),
    ])) as [Error, Error];
    expect(pull).toBeInstanceOf(TargetStartError);
    expect(pull.message).toMatch(
      /could not pull image rerank-harness-test\/not-built-here:0\.0\.1 \(.+\).*docker pull rerank-harness-test\/not-built-here:0\.0\.1.*docker load/,
    );
    expect(health).toBeInstanceOf(TargetStartError);
    expect(health.message).toMatch(/not healthy within 3 s \(last: GET \/health answered 503\)/);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(containersOf(process.pid)).toEqual([]);
  }, 60_000);

  it.skipIf(engineHasNvidia)(
    "--gpus all on an engine without NVIDIA support fails before creating anything, naming the toolkit",
    async () => {
      const t0 = Date.now();
      const err = (await startTarget(parseTargetSpec(`container:${fake}#gpus=all`), ctx()).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(TargetStartError);
      expect(err.message).toMatch(/GPUs requested \(--gpus all\) but this Docker engine cannot give containers NVIDIA GPUs .*NVIDIA Container Toolkit/);
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(containersOf(process.pid)).toEqual([]);
    },
    60_000,
  );

  it("SIGINT while waiting for health or during checks, SIGTERM during load: exit 130/143, no container left", async () => {
    const waiting = spawnCli(["check", "--startup-timeout", "120s", "--target", `container:${fake}#args=--port%208000%20--health-status%20503`]);
    const checking = spawnCli(["check", "--fuzz", "2000", "--target", `container:${fake}`]);
    const loading = spawnCli(["load", "--target", `container:${fake}`, "--docs", "2", "--rate", "5", "--duration", "120s", "--warmup", "0s"]);
    await until("the waiting run's container", () => containersOf(waiting.child.pid!).length > 0);
    waiting.child.kill("SIGINT");
    await until("the check run's checks", () => /preflight/.test(checking.stderr()));
    await until("the load run to be ready", () => /ready at/.test(loading.stderr()));
    await new Promise((r) => setTimeout(r, 1_500)); // into the checks and the load themselves
    checking.child.kill("SIGINT");
    loading.child.kill("SIGTERM");
    expect(await waiting.exit, waiting.stderr()).toBe(130);
    expect(await checking.exit, checking.stderr()).toBe(130);
    expect(await loading.exit, loading.stderr()).toBe(143);
    for (const run of [waiting, checking, loading]) expect(containersOf(run.child.pid!)).toEqual([]);
  }, 240_000);

  it("`cleanup` removes the container of a run killed with -9 (and only containers of dead runs)", async () => {
    const killed = spawnCli(["check", "--startup-timeout", "120s", "--target", `container:${fake}#args=--port%208000%20--health-status%20503`]);
    await until("the run's container", () => containersOf(killed.child.pid!).length > 0);
    killed.child.kill("SIGKILL");
    await killed.exit;
    expect(containersOf(killed.child.pid!)).toHaveLength(1); // a kill -9 leaves it: nothing can run
    const run = await runCli(["cleanup"], { env: plainEnv(), timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^removed [0-9a-f]{12} /m);
    expect(containersOf(killed.child.pid!)).toEqual([]);
  }, 240_000);
});

describe("container:tei with a model from the Hugging Face hub (downloads GBs: opt-in)", () => {
  const optIn = engine && process.env["RERANK_HARNESS_DOWNLOAD_TESTS"] === "1";
  if (!optIn) console.warn("SKIPPED: real TEI download test: set RERANK_HARNESS_DOWNLOAD_TESTS=1 on a machine with a registry and the hub");
  it.skipIf(!optIn)(
    "pulls TEI, starts it on CPU with a tiny reranker, answers one rerank, and stops",
    async () => {
      const target = await startTarget(
        parseTargetSpec("container:tei"),
        ctx({
          timeoutMs: 30_000,
          log: (line) => console.log(line),
          gpus: "none",
          servedModel: "cross-encoder/ms-marco-TinyBERT-L-2-v2",
          cacheDir: process.env["HF_HOME"] ?? mkdtempSync(join(tmpdir(), "rh-hf-")),
          startupTimeoutMs: 15 * 60_000,
        }),
      );
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
    30 * 60_000,
  );
});

describe("container targets without a Docker engine", () => {
  it.skipIf(engine)("fail at once with a start error (exit 2) that says what is wrong, and --dry-run as the CLI's hint", async () => {
    const c = ctx();
    const err = (await startTarget(parseTargetSpec("container:vllm"), c).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(err.message).toMatch(/no Docker engine available/);
    // The library says what is wrong; the flag advice is a hint the CLI prints.
    expect(err.message).not.toMatch(/--dry-run/);
    expect(err.hint).toMatch(/--dry-run/);
  });
});
