// @ts-nocheck
import { describe, expect, it } from "vitest";
import { ContainerSpec, DEFAULT_CONTAINER_MODEL } from "../../src/targets/containers/index.js";
import { planContainer } from "../../src/targets/container.js";
import { describeTarget } from "../../src/targets/dry-run.js";
import { deviceRequestsFor, parseGpus } from "../../src/targets/gpus.js";
import { resolveTarget } from "../../src/targets/resolve.js";
import { parseTargetSpec, type TargetSpec } from "../../src/targets/spec.js";
import type { TargetContext } from "../../src/targets/target.js";

const ctx: TargetContext = { reference: "bm25", apiKeyEnv: "RERANK_API_KEY", timeoutMs: 5_000, log: () => {}, cacheDir: "/cache/hf" };
const ALL_GPUS = [{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }];

function plan(raw: string, nvidia: boolean, extra: Partial<TargetContext> = {}) {
  const spec = parseTargetSpec(raw) as Extract<TargetSpec, { kind: "container" }>;
  const c = { ...ctx, ...extra };
  const p = planContainer(spec, c, resolveTarget(spec, c), nvidia);
  ContainerSpec.parse(p); // the printed JSON always has the documented shape
  return p;
}

describe("--gpus", () => {
  it("parses auto, all, none and device ids; rejects anything else", () => {
    expect(parseGpus(undefined)).toEqual({ mode: "auto" });
    expect(parseGpus("all")).toEqual({ mode: "all" });
    expect(parseGpus("none")).toEqual({ mode: "none" });
    expect(parseGpus("0,1")).toEqual({ mode: "ids", ids: ["0", "1"] });
    expect(() => parseGpus("two")).toThrow(/--gpus "two"/);
  });

  it("maps to Docker device requests (auto follows the nvidia runtime)", () => {
    expect(deviceRequestsFor({ mode: "auto" }, true)).toEqual(ALL_GPUS);
    expect(deviceRequestsFor({ mode: "auto" }, false)).toEqual([]);
    expect(deviceRequestsFor({ mode: "all" }, false)).toEqual(ALL_GPUS);
    expect(deviceRequestsFor({ mode: "none" }, true)).toEqual([]);
    expect(deviceRequestsFor({ mode: "ids", ids: ["1"] }, true)).toEqual([{ Driver: "nvidia", DeviceIDs: ["1"], Capabilities: [["gpu"]] }]);
  });
});

describe("container:vllm", () => {
  it("on an nvidia runtime: the CUDA image, bge-reranker-base, pooling runner, all GPUs, host IPC, 8000, /health, 15 min", () => {
    const p = plan("container:vllm", true);
    expect(p).toMatchObject({
      server: "vllm",
      image: "vllm/vllm-openai:latest",
      command: [DEFAULT_CONTAINER_MODEL, "--runner", "pooling", "--host", "0.0.0.0", "--port", "8000"],
      exposedPort: 8000,
      healthPath: "/health",
      deviceRequests: ALL_GPUS,
      ipcMode: "host",
      gpu: true,
      binds: [{ source: "/cache/hf", target: "/root/.cache/huggingface", mode: "rw" }],
    });
    expect(p.startupTimeoutMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(p.command).not.toContain("--task");
    expect(p.passEnv).toContain("HF_TOKEN");
    expect(JSON.stringify(p)).not.toMatch(/hf_[A-Za-z0-9]{10,}/); // names, never token values
  });

  it("without nvidia falls back to vLLM's CPU image; --gpus all forces the GPU request", () => {
    expect(plan("container:vllm", false)).toMatchObject({ image: expect.stringMatching(/^vllm\/vllm-openai-cpu:latest-/), deviceRequests: [], gpu: false });
    expect(plan("container:vllm#gpus=all", false)).toMatchObject({ image: "vllm/vllm-openai:latest", deviceRequests: ALL_GPUS });
    expect(plan("container:vllm", true, { gpus: "0" })).toMatchObject({ deviceRequests: [{ DeviceIDs: ["0"] }] });
  });

  it("--served-model is what it loads, --model the name it answers to; per-target settings win over flags", () => {
    const p = plan("container:vllm#served-model=BAAI/bge-reranker-v2-m3&image=vllm/vllm-openai:v0.11.0", true, {
      servedModel: "ignored/flag-model",
      image: "ignored:flag",
      model: "my-reranker",
      startupTimeoutMs: 20 * 60_000,
    });
    expect(p.image).toBe("vllm/vllm-openai:v0.11.0");
    expect(p.command.slice(0, 1)).toEqual(["BAAI/bge-reranker-v2-m3"]);
    expect(p.command.slice(-2)).toEqual(["--served-model-name", "my-reranker"]);
    expect(p.startupTimeoutMs).toBe(20 * 60_000);
  });
});

describe("container:tei", () => {
  it("CUDA image with GPUs, CPU image without; --model-id, port 80, hub cache in /data", () => {
    const gpu = plan("container:tei", true);
    expect(gpu).toMatchObject({
      image: "ghcr.io/huggingface/text-embeddings-inference:cuda-1.9",
      command: ["--model-id", DEFAULT_CONTAINER_MODEL, "--port", "80"],
      exposedPort: 80,
      healthPath: "/health",
      deviceRequests: ALL_GPUS,
      binds: [{ source: "/cache/hf/hub", target: "/data", mode: "rw" }],
    });
    const cpu = plan("container:tei#served-model=cross-encoder/ms-marco-MiniLM-L6-v2", false);
    expect(cpu.image).toMatch(/^ghcr\.io\/huggingface\/text-embeddings-inference:cpu(-arm64)?-1\.9$/);
    expect(cpu).toMatchObject({ deviceRequests: [], gpu: false, command: ["--model-id", "cross-encoder/ms-marco-MiniLM-L6-v2", "--port", "80"] });
    expect(cpu.startupTimeoutMs).toBeGreaterThanOrEqual(10 * 60_000);
  });
});

describe("container:infinity", () => {
  it("v2 --model-id on 7997; torch on CUDA with GPUs, optimum on the CPU image without", () => {
    expect(plan("container:infinity", true)).toMatchObject({
      image: "michaelf34/infinity:latest",
      command: ["v2", "--model-id", DEFAULT_CONTAINER_MODEL, "--port", "7997", "--device", "cuda", "--engine", "torch"],
      exposedPort: 7997,
      healthPath: "/health",
      deviceRequests: ALL_GPUS,
      binds: [{ source: "/cache/hf", target: "/app/.cache/huggingface", mode: "rw" }],
    });
    expect(plan("container:infinity#gpus=none", true)).toMatchObject({
      image: "michaelf34/infinity:latest-cpu",
      command: expect.arrayContaining(["--device", "cpu", "--engine", "optimum"]),
      deviceRequests: [],
    });
    expect(plan("container:infinity", false, { model: "rr" }).command).toEqual(expect.arrayContaining(["--served-model-name", "rr"]));
  });
});

describe("dry-run description", () => {
  it("holds the documented fields for containers and describes other kinds too", () => {
    const d = describeTarget(parseTargetSpec("container:tei"), ctx, false);
    for (const key of ["image", "command", "env", "exposedPort", "healthPath", "startupTimeoutMs", "deviceRequests"]) expect(d).toHaveProperty(key);
    expect(d).toMatchObject({ kind: "container", server: "tei", dialect: "tei", nvidiaDriverOnHost: false });
    expect(describeTarget(parseTargetSpec("process:serve#port=8123"), ctx)).toMatchObject({ kind: "process", url: "http://127.0.0.1:8123", healthPath: "/health" });
    expect(describeTarget(parseTargetSpec("cohere"), ctx)).toMatchObject({ kind: "url", url: "https://api.cohere.com", apiKeyEnv: "CO_API_KEY" });
  });
});

describe("the testcontainers GenericContainer built from a spec (no Docker needed to build it)", () => {
  it("carries the image, command, env, port, binds, IPC and the nvidia device request into Docker's create options", async () => {
    const tc = await import("testcontainers");
    const { rerankContainer } = await import("../../src/targets/container.js");
    const previous = process.env["HF_TOKEN"];
    process.env["HF_TOKEN"] = "hf_test_token_value";
    try {
      const built = rerankContainer(tc, plan("container:vllm", true), () => {}) as unknown as {
        createOpts: { Image: string; Cmd: string[]; Env: string[]; ExposedPorts: Record<string, unknown>; Labels: Record<string, string> };
        hostConfig: { Binds: string[]; IpcMode?: string; DeviceRequests?: unknown[] };
        startupTimeoutMs: number;
        waitStrategy: { path: string; port: number };
      };
      expect(built.createOpts).toMatchObject({ Image: "vllm/vllm-openai:latest", ExposedPorts: { "8000/tcp": {} }, Labels: { "rerank-harness.gpu": "true" } });
      expect(built.createOpts.Cmd[0]).toBe(DEFAULT_CONTAINER_MODEL);
      expect(built.createOpts.Env).toEqual(expect.arrayContaining(["HF_HOME=/root/.cache/huggingface", "HF_TOKEN=hf_test_token_value"]));
      expect(built.hostConfig).toMatchObject({ Binds: ["/cache/hf:/root/.cache/huggingface:rw"], IpcMode: "host", DeviceRequests: ALL_GPUS });
      expect(built.startupTimeoutMs).toBeGreaterThanOrEqual(10 * 60_000);
      expect(built.waitStrategy).toMatchObject({ path: "/health", port: 8000 });

      const cpu = rerankContainer(tc, plan("container:tei", false), () => {}) as unknown as { hostConfig: { DeviceRequests?: unknown[] } };
      expect(cpu.hostConfig.DeviceRequests).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env["HF_TOKEN"];
      else process.env["HF_TOKEN"] = previous;
    }
  });
});
