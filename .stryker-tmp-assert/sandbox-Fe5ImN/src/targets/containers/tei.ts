// @ts-nocheck
import { join } from "node:path";
import { commonSpec, HUB_PASS_ENV, type ContainerSpec, type ContainerSpecOptions } from "./container-spec.js";

export const TEI_PORT = 80;
export const TEI_VERSION = "1.9";
export const TEI_REPOSITORY = "ghcr.io/huggingface/text-embeddings-inference";

/** `cuda-1.9` (generic CUDA build) with GPUs, `cpu-1.9` (or `cpu-arm64-1.9`) without. */
export function teiImage(gpu: boolean, arch: string = process.arch): string {
  if (gpu) return `${TEI_REPOSITORY}:cuda-${TEI_VERSION}`;
  return `${TEI_REPOSITORY}:${arch === "arm64" ? "cpu-arm64" : "cpu"}-${TEI_VERSION}`;
}

/**
 * Hugging Face text-embeddings-inference (ANCHORS.md §5.2): `--model-id`, listens on 80, keeps
 * the hub cache in /data (HUGGINGFACE_HUB_CACHE), so the host's `hub/` folder is mounted there.
 * TEI's rerank request has no model field: the served name does not matter to it.
 */
export function teiContainerSpec(options: ContainerSpecOptions): ContainerSpec {
  const common = commonSpec(options);
  return {
    server: "tei",
    image: options.image ?? teiImage(common.gpu, options.arch),
    command: ["--model-id", common.model, "--port", String(TEI_PORT)],
    env: { HUGGINGFACE_HUB_CACHE: "/data" },
    passEnv: HUB_PASS_ENV,
    exposedPort: TEI_PORT,
    healthPath: common.healthPath,
    startupTimeoutMs: common.startupTimeoutMs,
    deviceRequests: common.deviceRequests,
    binds: [{ source: join(options.cacheDir, "hub"), target: "/data", mode: "rw" }],
    model: common.model,
    ...(common.servedModelName ? { servedModelName: common.servedModelName } : {}),
    gpu: common.gpu,
  };
}
