import type { ContainerName } from "../spec.js";
import type { ContainerSpecOptions, KindSpec } from "./container-spec.js";
import { imageContainerSpec } from "./image.js";
import { infinityContainerSpec } from "./infinity.js";
import { referenceContainerSpec } from "./reference.js";
import { teiContainerSpec } from "./tei.js";
import { vllmContainerSpec } from "./vllm.js";

export * from "./container-spec.js";
export { vllmContainerSpec } from "./vllm.js";
export { teiContainerSpec, teiImage } from "./tei.js";
export { infinityContainerSpec } from "./infinity.js";
export { imageContainerSpec } from "./image.js";
export { referenceContainerSpec, referenceImage } from "./reference.js";

const BUILDERS: Record<ContainerName, (options: ContainerSpecOptions) => KindSpec> = {
  vllm: vllmContainerSpec,
  tei: teiContainerSpec,
  infinity: infinityContainerSpec,
  reference: referenceContainerSpec,
  image: imageContainerSpec,
};

export function containerSpecFor(kind: ContainerName, options: ContainerSpecOptions): KindSpec {
  return BUILDERS[kind](options);
}
