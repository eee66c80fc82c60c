// @ts-nocheck
import { commonSpec, HUB_PASS_ENV, type ContainerSpec, type ContainerSpecOptions } from "./container-spec.js";

export const INFINITY_PORT = 7997;
export const INFINITY_GPU_IMAGE = "michaelf34/infinity:latest";
/** The CPU image is built around optimum/ONNX (ANCHORS.md §5.2). */
export const INFINITY_CPU_IMAGE = "michaelf34/infinity:latest-cpu";

/**
 * Infinity (`v2 --model-id … --port 7997`). HF_HOME is pinned inside /app/.cache so the mounted
 * host cache is where downloads land; telemetry is switched off.
 */
export function infinityContainerSpec(options: ContainerSpecOptions): ContainerSpec {
  const common = commonSpec(options);
  const engine = common.gpu ? ["--device", "cuda", "--engine", "torch"] : ["--device", "cpu", "--engine", "optimum"];
  return {
    server: "infinity",
    image: options.image ?? (common.gpu ? INFINITY_GPU_IMAGE : INFINITY_CPU_IMAGE),
    command: [
      "v2",
      "--model-id",
      common.model,
      "--port",
      String(INFINITY_PORT),
      ...(common.servedModelName ? ["--served-model-name", common.servedModelName] : []),
      ...engine,
    ],
    env: { HF_HOME: "/app/.cache/huggingface", DO_NOT_TRACK: "1", INFINITY_ANONYMOUS_USAGE_STATS: "0" },
    passEnv: HUB_PASS_ENV,
    exposedPort: INFINITY_PORT,
    healthPath: common.healthPath,
    startupTimeoutMs: common.startupTimeoutMs,
    deviceRequests: common.deviceRequests,
    binds: [{ source: options.cacheDir, target: "/app/.cache/huggingface", mode: "rw" }],
    model: common.model,
    ...(common.servedModelName ? { servedModelName: common.servedModelName } : {}),
    gpu: common.gpu,
  };
}
