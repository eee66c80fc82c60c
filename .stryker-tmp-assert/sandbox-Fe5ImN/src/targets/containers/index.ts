// @ts-nocheck
import type { ContainerKind } from "../spec.js";
import type { ContainerSpec, ContainerSpecOptions } from "./container-spec.js";
import { infinityContainerSpec } from "./infinity.js";
import { teiContainerSpec } from "./tei.js";
import { vllmContainerSpec } from "./vllm.js";

export * from "./container-spec.js";
export { vllmContainerSpec } from "./vllm.js";
export { teiContainerSpec, teiImage } from "./tei.js";
export { infinityContainerSpec } from "./infinity.js";

const BUILDERS: Record<ContainerKind, (options: ContainerSpecOptions) => ContainerSpec> = {
  vllm: vllmContainerSpec,
  tei: teiContainerSpec,
  infinity: infinityContainerSpec,
};

export function containerSpecFor(kind: ContainerKind, options: ContainerSpecOptions): ContainerSpec {
  return BUILDERS[kind](options);
}
