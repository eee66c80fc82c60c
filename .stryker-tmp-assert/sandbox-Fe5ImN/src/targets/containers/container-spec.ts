// @ts-nocheck
import { z } from "zod";
import { CONTAINER_KINDS } from "../spec.js";

/**
 * Everything needed to start one serving container, as plain data: the container module of each
 * product builds one (pure, testable without Docker), `--dry-run` prints it, and
 * `../container.ts` turns it into a testcontainers `GenericContainer`.
 */
export const ContainerSpec = z.strictObject({
  /** Which server: vllm, tei, infinity. */
  server: z.enum(CONTAINER_KINDS),
  image: z.string(),
  /** Arguments after the image's entrypoint. */
  command: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  /** Variables copied from the host environment at start when set (tokens): names only, never values. */
  passEnv: z.array(z.string()),
  exposedPort: z.number().int(),
  healthPath: z.string(),
  startupTimeoutMs: z.number().int().positive(),
  deviceRequests: z.array(
    z.strictObject({
      Driver: z.literal("nvidia"),
      Count: z.number().int().optional(),
      DeviceIDs: z.array(z.string()).optional(),
      Capabilities: z.array(z.array(z.string())),
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
