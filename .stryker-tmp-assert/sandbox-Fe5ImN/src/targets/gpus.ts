// @ts-nocheck
import { TargetSpecError } from "./spec.js";

/** One Docker Engine API device request (`HostConfig.DeviceRequests[]`), the `--gpus` equivalent. */
export interface DeviceRequest {
  Driver: "nvidia";
  Count?: number;
  DeviceIDs?: string[];
  Capabilities: string[][];
}

/**
 * `--gpus`: `auto` (default: every GPU when the Docker runtime has nvidia, none otherwise),
 * `all`, `none`, or device ids such as `0,1`.
 */
export type GpuSelection = { mode: "auto" } | { mode: "all" } | { mode: "none" } | { mode: "ids"; ids: string[] };

export function parseGpus(text: string | undefined): GpuSelection {
  const value = (text ?? "auto").trim().toLowerCase();
  if (value === "auto") return { mode: "auto" };
  if (value === "all") return { mode: "all" };
  if (value === "none" || value === "0gpus") return { mode: "none" };
  const ids = value.split(",").map((s) => s.trim());
  if (ids.length > 0 && ids.every((id) => /^(\d+|GPU-[0-9a-f-]+)$/i.test(id))) return { mode: "ids", ids };
  throw new TargetSpecError(`--gpus "${text}": use auto, all, none or device ids such as 0,1`);
}

/** The device requests for a selection; `auto` follows whether the runtime has nvidia. */
export function deviceRequestsFor(selection: GpuSelection, nvidiaAvailable: boolean): DeviceRequest[] {
  switch (selection.mode) {
    case "none":
      return [];
    case "auto":
      return nvidiaAvailable ? [{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }] : [];
    case "all":
      return [{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }];
    case "ids":
      return [{ Driver: "nvidia", DeviceIDs: selection.ids, Capabilities: [["gpu"]] }];
  }
}
