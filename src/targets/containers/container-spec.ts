import { z } from "zod";
import { CONTAINER_KINDS } from "../spec.js";

/**
 * Everything needed to start one serving container, as plain data: the container module of each
 * product builds one (pure, testable without Docker), `--dry-run` prints it, and
 * `../container.ts` turns it into a testcontainers `GenericContainer`.
 */
export const ContainerSpec = z.strictObject({
  /** Which server: vllm, tei, infinity, reference, or `image` (any other image). */
  server: z.enum([...CONTAINER_KINDS, "image"]),
  image: z.string(),
  /** Replaces the image's entrypoint when set. */
  entrypoint: z.array(z.string()).optional(),
  /** Arguments after the image's entrypoint (empty: the image's own CMD). */
  command: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  /** Variables copied from the host environment at start when set (tokens): names only, never values. */
  passEnv: z.array(z.string()),
  exposedPort: z.number().int(),
  /** The host address the port is published on (127.0.0.1 unless --publish-host says otherwise). */
  publishHost: z.string(),
  healthPath: z.string(),
  startupTimeoutMs: z.number().int().positive(),
  deviceRequests: z.array(
    z.strictObject({
      Driver: z.enum(["nvidia", "cdi"]),
      Count: z.number().int().optional(),
      DeviceIDs: z.array(z.string()).optional(),
      Capabilities: z.array(z.array(z.string())).optional(),
    }),
  ),
  shmSize: z.number().int().positive().optional(),
  ipcMode: z.string().optional(),
  /** Host cache folders mounted into the container, so models download once. */
  binds: z.array(z.strictObject({ source: z.string(), target: z.string(), mode: z.enum(["rw", "ro"]) })),
  /** The model the container loads, and the name it answers to when that differs. */
  model: z.string(),
  servedModelName: z.string().optional(),
  /** Whether GPUs were requested (drives CPU/CUDA image choice). */
  gpu: z.boolean(),
});
export type ContainerSpec = z.infer<typeof ContainerSpec>;

/** What a kind's module builds: everything but where the port is published. */
export type KindSpec = Omit<ContainerSpec, "publishHost">;

/** What every product module needs to build its spec. */
export interface ContainerSpecOptions {
  /** The model the container loads (Hugging Face repo id). */
  model?: string;
  /** The name clients send; when it differs from `model` the server is told to answer to it. */
  servedModelName?: string;
  /** Overrides the product's default image (and its CPU/GPU choice). */
  image?: string;
  deviceRequests: ContainerSpec["deviceRequests"];
  /** Host Hugging Face cache folder (HF_HOME layout: `hub/` inside). */
  cacheDir: string;
  startupTimeoutMs?: number;
  healthPath?: string;
  /** `process.arch`: picks arm64 image variants. */
  arch?: string;
  /** `container:IMAGE`: the image; `reference`: the reference model `serve` runs. */
  reference?: string;
}

/** Per-target overrides every kind accepts: port, args, entrypoint, env (see the README, Containers). */
export interface ContainerOverrides {
  port?: number;
  args?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  publishHost: string;
}

/** Applies the overrides to a kind's spec: args replace its command, env is merged over its own. */
export function applyOverrides(spec: KindSpec, o: ContainerOverrides): ContainerSpec {
  return {
    ...spec,
    ...(o.entrypoint ? { entrypoint: o.entrypoint } : {}),
    command: o.args ?? spec.command,
    env: { ...spec.env, ...o.env },
    exposedPort: o.port ?? spec.exposedPort,
    publishHost: o.publishHost,
  };
}

export const DEFAULT_CONTAINER_MODEL = "BAAI/bge-reranker-base";
/** Model downloads on first start can take many minutes. */
export const DEFAULT_CONTAINER_STARTUP_TIMEOUT_MS = 15 * 60_000;

/** The shared part: GPU, timeout, health path, model naming. */
export function commonSpec(options: ContainerSpecOptions): {
  model: string;
  servedModelName?: string;
  gpu: boolean;
  startupTimeoutMs: number;
  healthPath: string;
  deviceRequests: ContainerSpec["deviceRequests"];
} {
  const model = options.model ?? DEFAULT_CONTAINER_MODEL;
  return {
    model,
    ...(options.servedModelName && options.servedModelName !== model ? { servedModelName: options.servedModelName } : {}),
    gpu: options.deviceRequests.length > 0,
    startupTimeoutMs: options.startupTimeoutMs ?? DEFAULT_CONTAINER_STARTUP_TIMEOUT_MS,
    healthPath: options.healthPath ?? "/health",
    deviceRequests: options.deviceRequests,
  };
}

/** Hub credentials and mirrors the container may need; forwarded by name only. */
export const HUB_PASS_ENV = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_ENDPOINT"];
