import { TargetSpecError } from "./spec.js";

/**
 * One Docker Engine API device request (`HostConfig.DeviceRequests[]`): `--gpus` is the
 * `nvidia` driver; a CDI device name (`vendor.com/class=name`) is the `cdi` driver, which is what
 * the docker CLI sends for `--device nvidia.com/gpu=all`.
 */
export interface DeviceRequest {
  Driver: "nvidia" | "cdi";
  Count?: number;
  DeviceIDs?: string[];
  Capabilities?: string[][];
}

/**
 * `--gpus`: `auto` (default: every GPU when the engine can give containers GPUs, none
 * otherwise), `all`, `none`, device indexes or UUIDs such as `0,1` or `GPU-3f2a…`, or CDI device
 * names such as `nvidia.com/gpu=all`.
 */
export type GpuSelection = { mode: "auto" } | { mode: "all" } | { mode: "none" } | { mode: "ids"; ids: string[] } | { mode: "cdi"; devices: string[] };

const CDI_NAME = /^[a-z0-9][a-z0-9.-]*\/[a-z0-9][a-z0-9_.-]*=[A-Za-z0-9_.:-]+$/;
const GPU_ID = /^(\d+|GPU-[0-9a-fA-F-]+|MIG-[0-9a-fA-F-]+)$/;

export function parseGpus(text: string | undefined): GpuSelection {
  const value = (text ?? "auto").trim();
  const keyword = value.toLowerCase();
  if (keyword === "auto") return { mode: "auto" };
  if (keyword === "all") return { mode: "all" };
  if (keyword === "none" || keyword === "0gpus") return { mode: "none" };
  // Ids keep their case: NVIDIA's runtime matches UUIDs (GPU-1a2b…) exactly.
  const ids = value.split(",").map((s) => s.trim());
  if (ids.length > 0 && ids.every((id) => CDI_NAME.test(id))) return { mode: "cdi", devices: ids };
  if (ids.length > 0 && ids.every((id) => GPU_ID.test(id))) return { mode: "ids", ids };
  throw new TargetSpecError(`--gpus "${text}": use auto, all, none, device ids such as 0,1 or GPU-<uuid>, or CDI names such as nvidia.com/gpu=all`);
}

/** The parts of `GET /info` (docker info) that say whether containers can get NVIDIA GPUs. */
export interface EngineGpuInfo {
  /** `Runtimes`: registered OCI runtimes (the NVIDIA Container Toolkit registers `nvidia`). */
  Runtimes?: Record<string, unknown>;
  /** `DiscoveredDevices` (Engine API 1.50+): CDI devices the daemon found, e.g. {Source: "cdi", ID: "nvidia.com/gpu=0"}. */
  DiscoveredDevices?: { Source?: string; ID?: string }[];
}

/** How the engine can give containers NVIDIA GPUs, as Docker itself decides it. */
export interface GpuSupport {
  /** An `nvidia` runtime is registered with the daemon. */
  nvidiaRuntime: boolean;
  /**
   * `nvidia-container-runtime-hook` is on the daemon's PATH: dockerd registers its `nvidia`
   * device driver (what `--gpus` uses) exactly then (moby daemon/nvidia_linux.go).
   */
  runtimeHook: boolean;
  /** CDI devices of NVIDIA GPUs the daemon reports. */
  cdiDevices: string[];
}

export function gpuSupportFrom(info: EngineGpuInfo, runtimeHook: boolean): GpuSupport {
  return {
    nvidiaRuntime: Object.keys(info.Runtimes ?? {}).includes("nvidia"),
    runtimeHook,
    cdiDevices: (info.DiscoveredDevices ?? []).filter((d) => d.Source === "cdi" && d.ID?.startsWith("nvidia.com/gpu")).map((d) => d.ID!),
  };
}

/** Whether `--gpus all` (the nvidia device driver) can work on this engine. */
export function nvidiaDriverAvailable(s: GpuSupport): boolean {
  return s.nvidiaRuntime || s.runtimeHook;
}

export function gpusAvailable(s: GpuSupport): boolean {
  return nvidiaDriverAvailable(s) || s.cdiDevices.length > 0;
}

const ALL_GPUS: DeviceRequest = { Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] };

/**
 * The device requests for a selection. `auto` takes every GPU when the engine has the nvidia
 * driver, else CDI's `nvidia.com/gpu=all` when the daemon lists NVIDIA CDI devices, else none.
 */
export function deviceRequestsFor(selection: GpuSelection, support: GpuSupport): DeviceRequest[] {
  switch (selection.mode) {
    case "none":
      return [];
    case "auto":
      if (nvidiaDriverAvailable(support)) return [ALL_GPUS];
      // `nvidia-ctk cdi generate` always writes an `all` device next to the per-GPU ones.
      if (support.cdiDevices.length > 0) return [{ Driver: "cdi", DeviceIDs: ["nvidia.com/gpu=all"] }];
      return [];
    case "all":
      return [ALL_GPUS];
    case "ids":
      return [{ Driver: "nvidia", DeviceIDs: selection.ids, Capabilities: [["gpu"]] }];
    case "cdi":
      return [{ Driver: "cdi", DeviceIDs: selection.devices }];
  }
}

/** The next step when GPUs were asked for and the engine cannot give them. */
export const GPU_TOOLKIT_HINT =
  "install the NVIDIA Container Toolkit and configure Docker (nvidia-ctk runtime configure --runtime=docker, then restart dockerd), or use --gpus none";

/** The summary printed with a GPU failure: what was looked for and found. */
export function describeGpuSupport(s: GpuSupport): string {
  return `nvidia runtime: ${s.nvidiaRuntime ? "yes" : "no"}; nvidia-container-runtime-hook on the daemon's PATH: ${s.runtimeHook ? "yes" : "no"}; CDI GPU devices: ${s.cdiDevices.length > 0 ? s.cdiDevices.join(", ") : "none"}`;
}
