import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpClient } from "../client/http-client.js";
import {
  containerOutput,
  containersWithLabel,
  engineGpuSupport,
  ensureImage,
  ensureReaper,
  exitedContainer,
  hookOnPath,
  PullError,
  reachableEngineHost,
  removeContainers,
  type ContainerExit,
} from "./container-engine.js";
import { LABELS, runLabels } from "./container-labels.js";
import { applyOverrides, containerSpecFor, type ContainerSpec } from "./containers/index.js";
import { describeGpuSupport, deviceRequestsFor, GPU_TOOLKIT_HINT, gpusAvailable, parseGpus, type GpuSupport } from "./gpus.js";
import { registerCleanup } from "./interrupt.js";
import { OutputLog } from "./output-log.js";
import type { ResolvedTarget } from "./resolve.js";
import { TargetSpecError, type TargetSpec } from "./spec.js";
import { TargetStartError, type StartedTarget, type TargetContext } from "./target.js";
import { importTestcontainers } from "./testcontainers.js";
import { HarnessError } from "../util/errors.js";

type ContainerTargetSpec = Extract<TargetSpec, { kind: "container" }>;

/** How long to wait for a Docker engine to answer before giving up. */
const RUNTIME_TIMEOUT_MS = 30_000;
/** A pull that has not finished in this long is reported as failed (images are GBs: generous). */
const PULL_TIMEOUT_MS = 30 * 60_000;
/** The reaper image is small: a registry that does not answer in this long is not there. */
const REAPER_PULL_TIMEOUT_MS = 20_000;
/** Grace period for the server to exit on SIGTERM before Docker kills it. */
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 250;
const HEALTH_REQUEST_TIMEOUT_MS = 2_000;
/** Output lines shown when a container fails to start. */
const TAIL_LINES = 40;
export const DEFAULT_PUBLISH_HOST = "127.0.0.1";

/** The host folder mounted as the containers' Hugging Face cache. */
export function defaultCacheDir(): string {
  return process.env["HF_HOME"] || join(process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "huggingface");
}

/**
 * The container a spec asks for, as data. Per-target settings win over the command's flags;
 * `support` (what the engine offers for GPUs) decides `--gpus auto` and, with it, CPU or CUDA images.
 */
export function planContainer(spec: ContainerTargetSpec, ctx: TargetContext, resolved: ResolvedTarget, support: GpuSupport): ContainerSpec {
  const s = spec.settings;
  const gpus = parseGpus(s.gpus ?? ctx.gpus);
  const kind = containerSpecFor(spec.container, {
    model: s["served-model"] ?? ctx.servedModel,
    servedModelName: resolved.model,
    image: spec.image ?? s.image ?? ctx.image,
    reference: s.reference ?? ctx.reference,
    deviceRequests: deviceRequestsFor(gpus, support),
    cacheDir: ctx.cacheDir ?? defaultCacheDir(),
    startupTimeoutMs: ctx.startupTimeoutMs,
    healthPath: s.health,
  });
  return applyOverrides(kind, {
    port: s.port,
    args: words(s.args),
    entrypoint: words(s.entrypoint),
    env: envPairs(s.env, spec.raw),
    publishHost: ctx.publishHost ?? DEFAULT_PUBLISH_HOST,
  });
}

/** `args`/`entrypoint`: an array as is, a string split on whitespace. */
function words(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}

/** `env`: an object as is; `NAME=value` strings (comma-separated in a spec) into one. */
export function envPairs(value: string | string[] | Record<string, string> | undefined, raw: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) && typeof value === "object") return value;
  const out: Record<string, string> = {};
  for (const pair of (Array.isArray(value) ? value : value.split(",")).map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TargetSpecError(`target "${raw}": env "${pair}" is not NAME=value`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * Without asking Docker (dry runs): whether this host has an NVIDIA driver loaded or the runtime
 * hook installed. The real start asks the Docker engine instead.
 */
export function hostGpuSupport(): GpuSupport {
  const driver = existsSync("/proc/driver/nvidia/version") || existsSync("/dev/nvidiactl");
  return { nvidiaRuntime: driver, runtimeHook: hookOnPath(process.env["PATH"] ?? ""), cdiDevices: [] };
}

/**
 * Starts a serving container and waits for its health endpoint. Every step that can fail says
 * which one did: no engine, GPUs the engine cannot give, a pull, the container exiting, or the
 * health check timing out. Whatever was created is removed on failure and on SIGINT/SIGTERM.
 */
export async function startContainerTarget(spec: ContainerTargetSpec, ctx: TargetContext, resolved: ResolvedTarget): Promise<StartedTarget> {
  const tc = await importTestcontainers();
  const client = await withTimeout(tc.getContainerRuntimeClient(), RUNTIME_TIMEOUT_MS, "the Docker engine did not answer").catch((err: Error) => {
    throw new TargetStartError(`${spec.raw}: no Docker engine available (${err.message}); start dockerd or set DOCKER_HOST`, undefined, {
      hint: "try --dry-run to see the container spec",
    });
  });
  const gpu = await engineGpuSupport(client);
  const plan = planContainer(spec, ctx, resolved, gpu.support);
  const wantsGpu = plan.deviceRequests.length > 0;
  const cdiOnly = plan.deviceRequests.every((r) => r.Driver === "cdi");
  if (wantsGpu && gpu.certain && !(cdiOnly ? gpu.support.cdiDevices.length > 0 : gpusAvailable(gpu.support))) {
    throw new TargetStartError(
      `${spec.raw}: GPUs requested (--gpus ${spec.settings.gpus ?? ctx.gpus ?? "auto"}) but this Docker engine cannot give containers NVIDIA GPUs (${describeGpuSupport(gpu.support)}); ${GPU_TOOLKIT_HINT}`,
    );
  }

  const target = randomUUID();
  const labels = runLabels(target);
  const removeOurs = async () =>
    removeContainers(
      client,
      (await containersWithLabel(client, LABELS.target, target)).map((c) => c.id),
    );
  const unregister = registerCleanup({
    what: `container ${plan.image}`,
    onSignal: async () => {
      await removeOurs();
      // A create request in flight at the signal lands just after the first sweep.
      await sleep(300);
      await removeOurs();
    },
    onExit: () => removeSync(target),
  });

  const t0 = Date.now();
  const log = new OutputLog(`container-${spec.container === "image" ? plan.image : spec.container}`, ctx.logDir);
  const fail = async (message: string, tail?: string, hint?: string): Promise<never> => {
    await removeOurs().catch(() => {});
    unregister();
    await log.close();
    throw new TargetStartError(message, tail || undefined, hint ? { hint } : {});
  };

  try {
    await ensureImage(client, plan.image, PULL_TIMEOUT_MS);
  } catch (err) {
    if (!(err instanceof PullError)) throw err;
    return fail(
      `${spec.raw}: could not pull image ${plan.image} (${err.message}): the engine has no local copy and its registry did not answer. ` +
        `Next: \`docker pull ${plan.image}\` where a registry is reachable (or \`docker load -i FILE.tar\`)`,
      undefined,
      "or name a local image with --image / #image=",
    );
  }
  await ensureReaper(client, ctx.log, REAPER_PULL_TIMEOUT_MS);
  for (const bind of plan.binds) mkdirSync(bind.source, { recursive: true }); // else Docker creates it root-owned

  const timeoutS = Math.round(plan.startupTimeoutMs / 1000);
  ctx.log(
    `starting ${plan.image} (${plan.model}${wantsGpu ? ", GPU" : ", CPU"}) on ${plan.publishHost}; health ${plan.healthPath} within ${timeoutS} s; logs: ${log.file}`,
  );

  let streamed = false;
  const engineHost = await reachableEngineHost(client.info.containerRuntime.host);
  if (!isLoopback(engineHost) && isLoopback(plan.publishHost)) {
    ctx.log(`warning: the Docker engine is on ${engineHost} but ports are published on its ${plan.publishHost}: use --publish-host 0.0.0.0 to reach them`);
  }
  const health = new HealthWait(plan, urlHost(plan.publishHost, engineHost));
  const container = rerankContainer(tc, plan, labels, health, (stream) => {
    streamed = true;
    stream.on("data", (chunk: string | Buffer) => log.write(chunk));
    stream.on("error", () => {});
  });
  const starting = container.start();
  starting.catch(() => {}); // when the exit watch wins, start() fails later on its own
  const watch = watchExit(client, target, () => health.done);
  let started: Awaited<typeof starting>;
  try {
    started = await Promise.race([starting, watch.exited]);
  } catch (err) {
    health.done = true;
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (err instanceof ExitedError) {
      const output = await containerOutput(client, err.exit.id, 200).catch(() => "");
      if (!streamed) log.write(output);
      const tail = output.split(/\r?\n/).filter(Boolean).slice(-TAIL_LINES).join("\n");
      const how = err.exit.oomKilled ? " (killed: out of memory)" : err.exit.error ? ` (${err.exit.error})` : "";
      return fail(
        `${spec.raw}: container ${plan.image} exited during start-up with exit code ${err.exit.exitCode}${how} after ${seconds} s; full log: ${log.where()}`,
        tail,
      );
    }
    const message = (err as Error).message;
    if (/could not select device driver|nvidia-container-cli|unresolvable CDI devices/i.test(message)) {
      return fail(`${spec.raw}: GPUs requested but the Docker engine refused them (${oneLine(message)}); ${GPU_TOOLKIT_HINT}`);
    }
    if (/ryuk|reaper/i.test(message)) {
      return fail(
        `${spec.raw}: the testcontainers reaper (ryuk) could not start (${oneLine(message)}); set TESTCONTAINERS_RYUK_DISABLED=true to run without it (then \`rerank-harness cleanup\` removes containers of killed runs)`,
      );
    }
    if (err instanceof HealthTimeoutError) return fail(`${spec.raw}: ${plan.image} ${message}; full log: ${log.where()}`, log.tail(TAIL_LINES));
    return fail(
      `${spec.raw}: container ${plan.image} could not start after ${seconds} s (${oneLine(message)}); full log: ${log.where()}`,
      log.tail(TAIL_LINES),
    );
  } finally {
    watch.stop();
  }

  const baseUrl = `http://${urlHost(plan.publishHost, engineHost)}:${started.getMappedPort(plan.exposedPort)}`;
  ctx.log(`${spec.raw} ready at ${baseUrl} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    ...resolved,
    baseUrl,
    model: resolved.model ?? plan.servedModelName ?? plan.model,
    logFile: log.file,
    stop: async () => {
      try {
        await started.stop({ timeout: STOP_TIMEOUT_MS });
      } catch (err) {
        // Already removed (a signal's clean-up got there first, or someone ran `docker rm`): done.
        const status = (err as { statusCode?: number }).statusCode;
        if (status !== 404 && status !== 409) throw err;
      } finally {
        await removeOurs().catch(() => {});
        unregister();
        await log.close();
      }
    },
  };
}

function isLoopback(host: string): boolean {
  return ["localhost", "127.0.0.1", "::1"].includes(host);
}

/** The host in the base URL: the published address when the engine is local and it names one. */
function urlHost(publishHost: string, engineHost: string): string {
  if (!isLoopback(engineHost)) return engineHost;
  if (publishHost === "0.0.0.0") return "127.0.0.1";
  if (publishHost === "::") return "[::1]";
  return publishHost.includes(":") ? `[${publishHost}]` : publishHost;
}

/** The container exited while it started (caught below and turned into a TargetStartError). */
class ExitedError extends HarnessError {
  readonly code = "RH_CONTAINER_EXITED";
  readonly kind = "startup";
  constructor(readonly exit: ContainerExit) {
    super(`exited with code ${exit.exitCode}`);
  }
}

/** The health check did not pass in time (caught below and turned into a TargetStartError). */
class HealthTimeoutError extends HarnessError {
  readonly code = "RH_HEALTH_TIMEOUT";
  readonly kind = "startup";
}

/**
 * Watches for the container exiting while it starts (testcontainers would wait for ports that
 * an exited container never binds): rejects `exited` with its exit code.
 */
function watchExit(client: Parameters<typeof exitedContainer>[0], target: string, finished: () => boolean) {
  let stopped = false;
  const exited = (async (): Promise<never> => {
    while (!stopped && !finished()) {
      const exit = await exitedContainer(client, LABELS.target, target).catch(() => undefined);
      if (exit) throw new ExitedError(exit);
      await sleep(POLL_MS);
    }
    return new Promise<never>(() => {}); // stopped: never settles
  })();
  exited.catch(() => {});
  return { exited, stop: () => void (stopped = true) };
}

/**
 * testcontainers wait strategy: GET the health path until it answers 200, remembering the last
 * answer or error so a timeout says what the server was doing.
 */
class HealthWait {
  done = false;
  private timeoutMs: number;
  constructor(
    private readonly plan: ContainerSpec,
    private readonly host: string,
  ) {
    this.timeoutMs = plan.startupTimeoutMs;
  }

  async waitUntilReady(_container: unknown, boundPorts: { getBinding(port: number): number }): Promise<void> {
    const port = boundPorts.getBinding(this.plan.exposedPort);
    const url = `http://${this.host}:${port}`;
    const client = new HttpClient({ baseUrl: url, timeoutMs: HEALTH_REQUEST_TIMEOUT_MS });
    const deadline = Date.now() + this.timeoutMs;
    let last = "no answer yet";
    try {
      while (!this.done && Date.now() < deadline) {
        try {
          const res = await client.send({ method: "GET", path: this.plan.healthPath, auth: false });
          if (res.status === 200) return;
          last = `GET ${this.plan.healthPath} answered ${res.status}`;
        } catch (err) {
          last = `GET ${this.plan.healthPath}: ${(err as Error).message}`;
        }
        await sleep(POLL_MS);
      }
      throw new HealthTimeoutError(`not healthy within ${Math.round(this.timeoutMs / 1000)} s (last: ${last})`);
    } finally {
      this.done = true;
      await client.close();
    }
  }

  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return true;
  }
  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

type Testcontainers = typeof import("testcontainers");

/**
 * A GenericContainer built from a ContainerSpec (the class is made here because testcontainers
 * is imported lazily). Ports and GPUs go through the protected `hostConfig`: testcontainers has
 * no public API for a bind address or GPUs (its own Ollama module sets DeviceRequests the same way:
 * testcontainers-node packages/modules/ollama/src/ollama-container.ts, v10.10.0+).
 */
export function rerankContainer(
  tc: Testcontainers,
  plan: ContainerSpec,
  labels: Record<string, string>,
  waitStrategy: import("testcontainers").WaitStrategy | undefined,
  onLogs: (stream: Readable) => void,
): InstanceType<Testcontainers["GenericContainer"]> {
  class RerankContainer extends tc.GenericContainer {
    constructor() {
      super(plan.image);
      const passed = Object.fromEntries(plan.passEnv.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
      if (plan.command.length > 0) this.withCommand(plan.command);
      if (plan.entrypoint) this.withEntrypoint(plan.entrypoint);
      this.withEnvironment({ ...plan.env, ...passed })
        .withExposedPorts(plan.exposedPort)
        .withBindMounts(plan.binds)
        // Reuse hashes only createOpts: a label keeps GPU and CPU containers apart.
        .withLabels({ ...labels, "rerank-harness.server": plan.server, "rerank-harness.gpu": String(plan.gpu) })
        .withStartupTimeout(plan.startupTimeoutMs)
        .withLogConsumer(onLogs);
      if (waitStrategy) this.withWaitStrategy(waitStrategy);
      // Published on one address only (default loopback): a model server has no authentication.
      this.hostConfig.PortBindings = { [`${plan.exposedPort}/tcp`]: [{ HostIp: plan.publishHost, HostPort: "0" }] };
      if (plan.ipcMode) this.withIpcMode(plan.ipcMode);
      if (plan.shmSize) this.withSharedMemorySize(plan.shmSize);
      if (plan.deviceRequests.length > 0) this.hostConfig.DeviceRequests = plan.deviceRequests;
    }
  }
  return new RerankContainer();
}

/** On process exit (no event loop left): remove the target's containers with the docker CLI, if there is one. */
function removeSync(target: string): void {
  const ps = spawnSync("docker", ["ps", "-aq", "--filter", `label=${LABELS.target}=${target}`], { encoding: "utf8", timeout: 5_000 });
  const ids = (ps.stdout ?? "").split(/\s+/).filter(Boolean);
  if (ids.length > 0) spawnSync("docker", ["rm", "-f", "-v", ...ids], { timeout: 10_000, stdio: "ignore" });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
