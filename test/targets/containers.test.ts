import { describe, expect, it } from "vitest";
import { ContainerSpec, DEFAULT_CONTAINER_MODEL } from "../../src/targets/containers/index.js";
import { planContainer } from "../../src/targets/container.js";
import { describeTarget } from "../../src/targets/dry-run.js";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineGpuSupport, hookOnPath, reachableEngineHost } from "../../src/targets/container-engine.js";
import { planCleanup } from "../../src/targets/container-cleanup.js";
import { LABELS } from "../../src/targets/container-labels.js";
import { deviceRequestsFor, gpuSupportFrom, gpusAvailable, parseGpus, type GpuSupport } from "../../src/targets/gpus.js";
import { resolveTarget } from "../../src/targets/resolve.js";
import { parseTargetSpec, targetsFromConfig, type TargetSpec } from "../../src/targets/spec.js";
import type { TargetContext } from "../../src/targets/target.js";

const ctx: TargetContext = { reference: "bm25", apiKeyEnv: "RERANK_API_KEY", timeoutMs: 5_000, log: () => {}, cacheDir: "/cache/hf" };
const ALL_GPUS = [{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }];
const NO_GPUS: GpuSupport = { nvidiaRuntime: false, runtimeHook: false, cdiDevices: [] };
const NVIDIA: GpuSupport = { nvidiaRuntime: true, runtimeHook: true, cdiDevices: [] };
const support = (nvidia: boolean): GpuSupport => (nvidia ? NVIDIA : NO_GPUS);

function plan(raw: string, nvidia: boolean, extra: Partial<TargetContext> = {}) {
  const spec = parseTargetSpec(raw) as Extract<TargetSpec, { kind: "container" }>;
  const c = { ...ctx, ...extra };
  const p = planContainer(spec, c, resolveTarget(spec, c), support(nvidia));
  ContainerSpec.parse(p); // the printed JSON always has the documented shape
  return p;
}

describe("--gpus", () => {
  it("parses auto, all, none and device ids; rejects anything else", () => {
    expect(parseGpus(undefined)).toEqual({ mode: "auto" });
    expect(parseGpus("all")).toEqual({ mode: "all" });
    expect(parseGpus("none")).toEqual({ mode: "none" });
    expect(parseGpus("0,1")).toEqual({ mode: "ids", ids: ["0", "1"] });
    expect(parseGpus("ALL")).toEqual({ mode: "all" });
    expect(() => parseGpus("two")).toThrow(/--gpus "two"/);
  });

  it("keeps GPU UUIDs as written (NVIDIA's runtime matches them exactly) and accepts CDI device names", () => {
    expect(parseGpus("GPU-1a2B3c4d-0000-1111-2222-333344445555")).toEqual({ mode: "ids", ids: ["GPU-1a2B3c4d-0000-1111-2222-333344445555"] });
    expect(parseGpus("0, GPU-AbCd")).toEqual({ mode: "ids", ids: ["0", "GPU-AbCd"] });
    expect(parseGpus("nvidia.com/gpu=all")).toEqual({ mode: "cdi", devices: ["nvidia.com/gpu=all"] });
    expect(parseGpus("nvidia.com/gpu=0,nvidia.com/gpu=1")).toEqual({ mode: "cdi", devices: ["nvidia.com/gpu=0", "nvidia.com/gpu=1"] });
    expect(() => parseGpus("nvidia.com/gpu")).toThrow(/CDI names/);
  });

  it("maps to Docker device requests (auto follows the nvidia runtime)", () => {
    expect(deviceRequestsFor({ mode: "auto" }, NVIDIA)).toEqual(ALL_GPUS);
    expect(deviceRequestsFor({ mode: "auto" }, NO_GPUS)).toEqual([]);
    expect(deviceRequestsFor({ mode: "all" }, NO_GPUS)).toEqual(ALL_GPUS);
    expect(deviceRequestsFor({ mode: "none" }, NVIDIA)).toEqual([]);
    expect(deviceRequestsFor({ mode: "ids", ids: ["1"] }, NVIDIA)).toEqual([{ Driver: "nvidia", DeviceIDs: ["1"], Capabilities: [["gpu"]] }]);
    expect(deviceRequestsFor({ mode: "cdi", devices: ["nvidia.com/gpu=0"] }, NO_GPUS)).toEqual([{ Driver: "cdi", DeviceIDs: ["nvidia.com/gpu=0"] }]);
  });
});

describe("--gpus auto: GPU detection as Docker does it, from injected `docker info` data", () => {
  const hookDir = mkdtempSync(join(tmpdir(), "rh-hook-"));
  writeFileSync(join(hookDir, "nvidia-container-runtime-hook"), "");
  const emptyDir = mkdtempSync(join(tmpdir(), "rh-nohook-"));
  mkdirSync(emptyDir, { recursive: true });

  it("an nvidia runtime, the runtime hook on the daemon's PATH, or NVIDIA CDI devices each mean GPUs", () => {
    const runtime = gpuSupportFrom({ Runtimes: { runc: {}, nvidia: { path: "nvidia-container-runtime" } } }, false);
    const hook = gpuSupportFrom({ Runtimes: { runc: {} } }, hookOnPath(`/nonexistent:${hookDir}`));
    const cdi = gpuSupportFrom(
      {
        Runtimes: { runc: {} },
        DiscoveredDevices: [
          { Source: "cdi", ID: "nvidia.com/gpu=0" },
          { Source: "cdi", ID: "nvidia.com/gpu=all" },
        ],
      },
      false,
    );
    const none = gpuSupportFrom({ Runtimes: { runc: {} }, DiscoveredDevices: [{ Source: "cdi", ID: "vendor.example/fpga=0" }] }, hookOnPath(emptyDir));
    expect([runtime, hook, cdi, none].map(gpusAvailable)).toEqual([true, true, true, false]);
    expect(deviceRequestsFor({ mode: "auto" }, runtime)).toEqual(ALL_GPUS);
    expect(deviceRequestsFor({ mode: "auto" }, hook)).toEqual(ALL_GPUS);
    expect(deviceRequestsFor({ mode: "auto" }, cdi)).toEqual([{ Driver: "cdi", DeviceIDs: ["nvidia.com/gpu=all"] }]);
    expect(deviceRequestsFor({ mode: "auto" }, none)).toEqual([]);
  });

  it("engineGpuSupport reads the engine's info (and the hook only for a local engine); the plan follows", async () => {
    const fakeClient = (info: object, socketPath?: string) =>
      ({ container: { dockerode: { info: async () => info, modem: socketPath ? { socketPath } : {} } } }) as unknown as Parameters<typeof engineGpuSupport>[0];
    const local = await engineGpuSupport(fakeClient({ Runtimes: { nvidia: {} } }, "/var/run/docker.sock"));
    expect(local).toMatchObject({ certain: true, support: { nvidiaRuntime: true } });
    const remote = await engineGpuSupport(fakeClient({ Runtimes: { runc: {} } }));
    expect(remote).toEqual({ certain: false, support: { nvidiaRuntime: false, runtimeHook: false, cdiDevices: [] } });
    const spec = parseTargetSpec("container:vllm") as Extract<TargetSpec, { kind: "container" }>;
    const p = planContainer(spec, ctx, resolveTarget(spec, ctx), local.support);
    expect(p).toMatchObject({ image: "vllm/vllm-openai:v0.19.0", deviceRequests: ALL_GPUS, gpu: true });
    const cdi = await engineGpuSupport(fakeClient({ DiscoveredDevices: [{ Source: "cdi", ID: "nvidia.com/gpu=all" }] }, "/var/run/docker.sock"));
    expect(planContainer(spec, ctx, resolveTarget(spec, ctx), cdi.support)).toMatchObject({ deviceRequests: [{ Driver: "cdi" }], gpu: true });
  });
});

describe("where the engine's published ports are reached from", () => {
  it("an address of this machine (dockerd's gateway in this container, as in CI): 127.0.0.1", async () => {
    // 127.0.0.2 is this machine's on Linux without being the loopback address itself, as
    // docker0's 172.17.0.1 is when dockerd runs here (with or without a container attached).
    expect(await reachableEngineHost("127.0.0.2")).toBe("127.0.0.1");
  });
  it("another machine's address (the host's engine through a mounted socket), or a name: unchanged", async () => {
    expect(await reachableEngineHost("203.0.113.7")).toBe("203.0.113.7");
    expect(await reachableEngineHost("docker.example")).toBe("docker.example");
  });
});

describe("container:IMAGE and per-target overrides", () => {
  it("any image reference is a target, with port, args, entrypoint, env and health settings", () => {
    const p = plan("container:local/my-reranker:dev#port=9000&args=serve%20--port%209000&entrypoint=/bin/server&env=A=1,B=x%3Dy&health=/ready", false);
    expect(p).toMatchObject({
      server: "image",
      image: "local/my-reranker:dev",
      command: ["serve", "--port", "9000"],
      entrypoint: ["/bin/server"],
      env: { A: "1", B: "x=y" },
      exposedPort: 9000,
      healthPath: "/ready",
      publishHost: "127.0.0.1",
      binds: [],
      passEnv: [],
    });
    // No args: the image's own CMD runs.
    expect(plan("container:registry.example:5000/team/rr@sha256:" + "a".repeat(64), false)).toMatchObject({
      command: [],
      exposedPort: 8000,
      healthPath: "/health",
    });
    expect(() => plan("container:local/x:1#env=1BAD=x", false)).toThrow(/env "1BAD=x" is not NAME=value/);
  });

  it("--config gives args and entrypoint as arrays, env as an object; named kinds accept the same overrides", () => {
    const [image, vllm] = targetsFromConfig(
      [
        { spec: "container:local/rr:1", args: ["--model", "a b"], env: { TOKEN_FILE: "/x", N: 2 }, port: 7000 },
        { spec: "container:vllm", args: ["m", "--port", "9001"], port: 9001, env: { VLLM_LOGGING_LEVEL: "DEBUG" } },
      ],
      "t.json",
    ) as Extract<TargetSpec, { kind: "container" }>[];
    const planOf = (spec: Extract<TargetSpec, { kind: "container" }>) => planContainer(spec, ctx, resolveTarget(spec, ctx), NO_GPUS);
    expect(planOf(image!)).toMatchObject({ command: ["--model", "a b"], env: { TOKEN_FILE: "/x", N: "2" }, exposedPort: 7000 });
    expect(planOf(vllm!)).toMatchObject({
      command: ["m", "--port", "9001"],
      exposedPort: 9001,
      env: { VLLM_NO_USAGE_STATS: "1", VLLM_LOGGING_LEVEL: "DEBUG" },
    });
    expect(resolveTarget(image!, ctx).dialect.name).toBe("vllm");
  });

  it("--publish-host changes the published address; default images are pinned, never latest", () => {
    expect(plan("container:tei", false, { publishHost: "0.0.0.0" }).publishHost).toBe("0.0.0.0");
    for (const raw of ["container:vllm", "container:tei", "container:infinity"]) {
      for (const nvidia of [true, false]) expect(plan(raw, nvidia).image).not.toMatch(/:latest|latest-/);
    }
  });

  it("container:reference runs this harness's image with serve on 8000 and the reference model", () => {
    expect(plan("container:reference#reference=tiny-bert", false, { model: "my-rr" })).toMatchObject({
      server: "reference",
      image: expect.stringMatching(/^rerank-harness:\d+\.\d+\.\d+/),
      command: ["serve", "--host", "0.0.0.0", "--port", "8000", "--model", "tiny-bert", "--served-model-name", "my-rr"],
      exposedPort: 8000,
      deviceRequests: [],
    });
  });
});

describe("cleanup: which labelled containers belong to runs that are gone", () => {
  const c = (id: string, labels: Record<string, string>) => ({ id, state: "running", image: "img", labels });
  it("removes containers of dead pids on this host, keeps live runs and other hosts unless --all", () => {
    const list = [
      c("dead", { [LABELS.pid]: "111", [LABELS.host]: "h1" }),
      c("live", { [LABELS.pid]: "222", [LABELS.host]: "h1" }),
      c("other", { [LABELS.pid]: "111", [LABELS.host]: "h2" }),
    ];
    const alive = (pid: number) => pid === 222;
    const plan = planCleanup(list, { all: false, host: "h1", alive });
    expect(plan.strays.map((x) => x.id)).toEqual(["dead"]);
    expect(plan.kept.map((x) => x.container.id)).toEqual(["live", "other"]);
    expect(planCleanup(list, { all: true, host: "h1", alive }).strays).toHaveLength(3);
  });
});

describe("container:vllm", () => {
  it("on an nvidia runtime: the CUDA image, bge-reranker-base, pooling runner, all GPUs, host IPC, 8000, /health, 15 min", () => {
    const p = plan("container:vllm", true);
    expect(p).toMatchObject({
      server: "vllm",
      image: "vllm/vllm-openai:v0.19.0",
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
    expect(plan("container:vllm", false)).toMatchObject({
      image: expect.stringMatching(/^vllm\/vllm-openai-cpu:v0\.19\.0-(x86_64|arm64)$/),
      deviceRequests: [],
      gpu: false,
    });
    expect(plan("container:vllm#gpus=all", false)).toMatchObject({ image: "vllm/vllm-openai:v0.19.0", deviceRequests: ALL_GPUS });
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
      image: "michaelf34/infinity:0.0.77",
      command: ["v2", "--model-id", DEFAULT_CONTAINER_MODEL, "--port", "7997", "--device", "cuda", "--engine", "torch"],
      exposedPort: 7997,
      healthPath: "/health",
      deviceRequests: ALL_GPUS,
      binds: [{ source: "/cache/hf", target: "/app/.cache/huggingface", mode: "rw" }],
    });
    expect(plan("container:infinity#gpus=none", true)).toMatchObject({
      image: "michaelf34/infinity:0.0.77-cpu",
      command: expect.arrayContaining(["--device", "cpu", "--engine", "optimum"]),
      deviceRequests: [],
    });
    expect(plan("container:infinity", false, { model: "rr" }).command).toEqual(expect.arrayContaining(["--served-model-name", "rr"]));
  });
});

describe("dry-run description", () => {
  it("holds the documented fields for containers and describes other kinds too", () => {
    const d = describeTarget(parseTargetSpec("container:tei"), ctx, NO_GPUS);
    for (const key of ["image", "command", "env", "exposedPort", "healthPath", "startupTimeoutMs", "deviceRequests"]) expect(d).toHaveProperty(key);
    expect(d).toMatchObject({ kind: "container", server: "tei", dialect: "tei", nvidiaDriverOnHost: false });
    expect(describeTarget(parseTargetSpec("process:serve#port=8123"), ctx)).toMatchObject({
      kind: "process",
      url: "http://127.0.0.1:8123",
      healthPath: "/health",
    });
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
      const built = rerankContainer(tc, plan("container:vllm", true), { "rerank-harness.run": "r1" }, undefined, () => {}) as unknown as {
        createOpts: { Image: string; Cmd: string[]; Env: string[]; ExposedPorts: Record<string, unknown>; Labels: Record<string, string> };
        hostConfig: { Binds: string[]; IpcMode?: string; DeviceRequests?: unknown[] };
        startupTimeoutMs: number;
        waitStrategy: { path: string; port: number };
      };
      expect(built.createOpts).toMatchObject({
        Image: "vllm/vllm-openai:v0.19.0",
        ExposedPorts: { "8000/tcp": {} },
        Labels: { "rerank-harness.gpu": "true", "rerank-harness.run": "r1" },
      });
      expect(built.createOpts.Cmd[0]).toBe(DEFAULT_CONTAINER_MODEL);
      expect(built.createOpts.Env).toEqual(expect.arrayContaining(["HF_HOME=/root/.cache/huggingface", "HF_TOKEN=hf_test_token_value"]));
      expect(built.hostConfig).toMatchObject({
        Binds: ["/cache/hf:/root/.cache/huggingface:rw"],
        IpcMode: "host",
        DeviceRequests: ALL_GPUS,
        PortBindings: { "8000/tcp": [{ HostIp: "127.0.0.1", HostPort: "0" }] },
      });
      expect(built.startupTimeoutMs).toBeGreaterThanOrEqual(10 * 60_000);

      const cpu = rerankContainer(tc, plan("container:tei", false), {}, undefined, () => {}) as unknown as { hostConfig: { DeviceRequests?: unknown[] } };
      expect(cpu.hostConfig.DeviceRequests).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env["HF_TOKEN"];
      else process.env["HF_TOKEN"] = previous;
    }
  });
});
