import type { ShardProgress, ShardResult } from "./recorder.js";

// Messages between the main thread and a load worker thread.

export const PROGRESS_INTERVAL_MS = 1_000;

export type ToWorker = { type: "start"; t0: number } | { type: "stop" };
export type FromWorker =
  | { type: "ready" }
  | { type: "progress"; progress: ShardProgress }
  | { type: "result"; result: ShardResult }
  | { type: "error"; message: string };
