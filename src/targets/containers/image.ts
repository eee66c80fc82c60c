import { commonSpec, type ContainerSpecOptions, type KindSpec } from "./container-spec.js";

/** `container:IMAGE` listens on 8000 unless `#port=` says otherwise. */
export const IMAGE_DEFAULT_PORT = 8000;

/**
 * Any image (`container:IMAGE`): nothing is assumed about it but a port and a health path; its
 * own entrypoint and CMD run unless `args`/`entrypoint` replace them. No host cache is mounted and
 * no host variables are passed (an arbitrary image gets only the `env` it is given).
 */
export function imageContainerSpec(options: ContainerSpecOptions): KindSpec {
  const common = commonSpec(options);
  if (!options.image) throw new Error("container:IMAGE needs an image");
  return {
    server: "image",
    image: options.image,
    command: [],
    env: {},
    passEnv: [],
    exposedPort: IMAGE_DEFAULT_PORT,
    healthPath: common.healthPath,
    startupTimeoutMs: common.startupTimeoutMs,
    deviceRequests: common.deviceRequests,
    binds: [],
    model: options.model ?? options.image,
    ...(common.servedModelName ? { servedModelName: common.servedModelName } : {}),
    gpu: common.gpu,
  };
}
