// @ts-nocheck
import { commonSpec, HUB_PASS_ENV, type ContainerSpec, type ContainerSpecOptions } from "./container-spec.js";

export const VLLM_PORT = 8000;
export const VLLM_GPU_IMAGE = "vllm/vllm-openai:latest";
/** vLLM's CPU build is a separate image per architecture. */
export const VLLM_CPU_IMAGES: Record<string, string> = {
  x64: "vllm/vllm-openai-cpu:latest-x86_64",
  arm64: "vllm/vllm-openai-cpu:latest-arm64",
};

/**
 * vLLM's OpenAI-compatible server as a reranker (ANCHORS.md §5.2): the model is positional
 * (`--model` is deprecated), `--runner pooling` serves /rerank and /score (`--task score` is
 * gone since v0.13). Shared memory: vLLM's docs run it with `--ipc=host`.
 */
export function vllmContainerSpec(options: ContainerSpecOptions): ContainerSpec {
  const common = commonSpec(options);
  const image = options.image ?? (common.gpu ? VLLM_GPU_IMAGE : (VLLM_CPU_IMAGES[options.arch ?? process.arch] ?? VLLM_CPU_IMAGES["x64"]!));
  return {
    server: "vllm",
    image,
    command: [
      common.model,
      "--runner",
      "pooling",
      "--host",
      "0.0.0.0",
      "--port",
      String(VLLM_PORT),
      ...(common.servedModelName ? ["--served-model-name", common.servedModelName] : []),
    ],
    env: { HF_HOME: "/root/.cache/huggingface", VLLM_NO_USAGE_STATS: "1", DO_NOT_TRACK: "1" },
    passEnv: HUB_PASS_ENV,
    exposedPort: VLLM_PORT,
    healthPath: common.healthPath,
    startupTimeoutMs: common.startupTimeoutMs,
    deviceRequests: common.deviceRequests,
    ipcMode: "host",
    binds: [{ source: options.cacheDir, target: "/root/.cache/huggingface", mode: "rw" }],
    model: common.model,
    ...(common.servedModelName ? { servedModelName: common.servedModelName } : {}),
    gpu: common.gpu,
  };
}
