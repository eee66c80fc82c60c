import { packageVersion } from "../../util/package-root.js";
import { DEFAULT_REFERENCE } from "../../util/defaults.js";
import { commonSpec, type ContainerSpecOptions, type KindSpec } from "./container-spec.js";

export const REFERENCE_PORT = 8000;

/** The image the root Dockerfile builds: `docker build -t rerank-harness:<version> .` */
export function referenceImage(): string {
  return `rerank-harness:${packageVersion()}`;
}

/**
 * This harness's own image running `rerank-harness serve` (the embedded reference reranker), so
 * a cluster or a CI runner can run the reference beside the servers it is compared with.
 */
export function referenceContainerSpec(options: ContainerSpecOptions): KindSpec {
  const common = commonSpec(options);
  const model = options.reference ?? DEFAULT_REFERENCE;
  return {
    server: "reference",
    image: options.image ?? referenceImage(),
    command: [
      "serve",
      "--host",
      "0.0.0.0",
      "--port",
      String(REFERENCE_PORT),
      "--model",
      model,
      ...(options.servedModelName ? ["--served-model-name", options.servedModelName] : []),
    ],
    env: {},
    passEnv: [],
    exposedPort: REFERENCE_PORT,
    healthPath: common.healthPath,
    startupTimeoutMs: options.startupTimeoutMs ?? 120_000,
    deviceRequests: [],
    binds: [],
    model,
    ...(options.servedModelName ? { servedModelName: options.servedModelName } : {}),
    gpu: false,
  };
}
