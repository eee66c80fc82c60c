import type { ShardProgress, ShardResult } from "./recorder.js";
import type { LiveCounts } from "./abort.js";

// Messages between the main thread and a load worker thread.

export const PROGRESS_INTERVAL_MS = 1_000;
/** How often --abort-on-fail's counts are judged (a worker posts them as often). */
export const WATCH_INTERVAL_MS = 250;

export type ToWorker = { type: "start"; t0: number } | { type: "stop" };
export type FromWorker =
  | { type: "ready" }
  | { type: "progress"; progress: ShardProgress }
  /** The --abort-on-fail counts, several times a second (cheap: no histogram). */
  | { type: "live"; live: LiveCounts }
  | { type: "result"; result: ShardResult }
  | { type: "error"; message: string };
