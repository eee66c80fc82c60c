import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { containerSpecFor, type ContainerSpec } from "./containers/index.js";
import { deviceRequestsFor, parseGpus } from "./gpus.js";
import { OutputLog } from "./output-log.js";
import type { ResolvedTarget } from "./resolve.js";
import type { TargetSpec } from "./spec.js";
import { TargetStartError, type StartedTarget, type TargetContext } from "./target.js";
import { importTestcontainers } from "./testcontainers.js";

type ContainerTargetSpec = Extract<TargetSpec, { kind: "container" }>;

/** How long to wait for a Docker engine to answer before giving up. */
const RUNTIME_TIMEOUT_MS = 30_000;
/** Grace period for the server to exit on SIGTERM before Docker kills it. */
const STOP_TIMEOUT_MS = 15_000;

/** The host folder mounted as the containers' Hugging Face cache. */
export function defaultCacheDir(): string {
  return process.env["HF_HOME"] || join(process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "huggingface");
}

/**
 * The container a spec asks for, as data. Per-target settings win over the command's flags;
 * `nvidiaAvailable` decides `--gpus auto` and, with it, CPU or CUDA images.
 */
export function planContainer(spec: ContainerTargetSpec, ctx: TargetContext, resolved: ResolvedTarget, nvidiaAvailable: boolean): ContainerSpec {
  const s = spec.settings;
  const gpus = parseGpus(s.gpus ?? ctx.gpus);
  return containerSpecFor(spec.container, {
    model: s["served-model"] ?? ctx.servedModel,
    servedModelName: resolved.model,
    image: s.image ?? ctx.image,
    deviceRequests: deviceRequestsFor(gpus, nvidiaAvailable),
    cacheDir: ctx.cacheDir ?? defaultCacheDir(),
    startupTimeoutMs: ctx.startupTimeoutMs,
    healthPath: s.health,
  });
}

/**
 * Without asking Docker (dry runs): whether this host has an NVIDIA driver loaded. The real start
 * asks the Docker runtime instead, which is what decides whether containers can get GPUs.
 */
export function hostHasNvidiaDriver(): boolean {
  return existsSync("/proc/driver/nvidia/version") || existsSync("/dev/nvidiactl");
}

/** Starts a serving container, waits for its health endpoint, and streams its logs to a file. */
export async function startContainerTarget(spec: ContainerTargetSpec, ctx: TargetContext, resolved: ResolvedTarget): Promise<StartedTarget> {
  const tc = await importTestcontainers();
  const runtime = await withTimeout(tc.getContainerRuntimeClient(), RUNTIME_TIMEOUT_MS, "the Docker engine did not answer").catch((err: Error) => {
    throw new TargetStartError(`${spec.raw}: no Docker engine available (${err.message}); try --dry-run to see the container spec`);
  });
  const nvidia = runtime.info.containerRuntime.runtimes.includes("nvidia");
  const plan = planContainer(spec, ctx, resolved, nvidia);
  if (plan.gpu && !nvidia) ctx.log(`warning: --gpus asks for GPUs but the Docker runtime reports no nvidia runtime`);
  for (const bind of plan.binds) mkdirSync(bind.source, { recursive: true }); // else Docker creates it root-owned

  const log = new OutputLog(`container-${spec.container}`, ctx.logDir);
  const timeoutText = `${Math.round(plan.startupTimeoutMs / 60_000)} min`;
  ctx.log(`starting ${plan.image} (${plan.model}${plan.gpu ? ", GPU" : ", CPU"}); health ${plan.healthPath} within ${timeoutText}; logs: ${log.file}`);

  const container = rerankContainer(tc, plan, (stream) => {
    stream.on("data", (chunk: string | Buffer) => log.write(chunk));
    stream.on("error", () => {});
  });
  let started: Awaited<ReturnType<typeof container.start>>;
  try {
    started = await container.start();
  } catch (err) {
    await log.close();
    throw new TargetStartError(
      `${spec.raw}: container ${plan.image} did not become healthy (${(err as Error).message}); full log: ${log.file}`,
      log.tail(40) || undefined,
    );
  }
  const baseUrl = `http://${started.getHost()}:${started.getMappedPort(plan.exposedPort)}`;
  ctx.log(`${spec.raw} ready at ${baseUrl}`);
  return {
    ...resolved,
    baseUrl,
    model: resolved.model ?? plan.servedModelName ?? plan.model,
    logFile: log.file,
    stop: async () => {
      try {
        await started.stop({ timeout: STOP_TIMEOUT_MS });
      } finally {
        await log.close();
      }
    },
  };
}

type Testcontainers = typeof import("testcontainers");

/**
 * A GenericContainer built from a ContainerSpec (the class is made here because testcontainers
 * is imported lazily). GPUs go through the protected `hostConfig`: testcontainers has no public
 * GPU API, and its own Ollama module does the same (ANCHORS.md §5.1).
 */
export function rerankContainer(tc: Testcontainers, plan: ContainerSpec, onLogs: (stream: Readable) => void): InstanceType<Testcontainers["GenericContainer"]> {
  class RerankContainer extends tc.GenericContainer {
    constructor() {
      super(plan.image);
      const passed = Object.fromEntries(plan.passEnv.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
      this.withCommand(plan.command)
        .withEnvironment({ ...plan.env, ...passed })
        .withExposedPorts(plan.exposedPort)
        .withBindMounts(plan.binds)
        // Reuse hashes only createOpts: a label keeps GPU and CPU containers apart.
        .withLabels({ "rerank-harness.server": plan.server, "rerank-harness.gpu": String(plan.gpu) })
        .withWaitStrategy(tc.Wait.forHttp(plan.healthPath, plan.exposedPort, { abortOnContainerExit: true }).forStatusCode(200))
        .withStartupTimeout(plan.startupTimeoutMs)
        .withLogConsumer(onLogs);
      if (plan.ipcMode) this.withIpcMode(plan.ipcMode);
      if (plan.shmSize) this.withSharedMemorySize(plan.shmSize);
      if (plan.deviceRequests.length > 0) this.hostConfig.DeviceRequests = plan.deviceRequests;
    }
  }
  return new RerankContainer();
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
