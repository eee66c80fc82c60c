import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/**
 * Labels on every container the harness starts, so a sweep can find strays: `cleanup` removes
 * the ones whose run is gone (killed with -9, a crashed host). Read by the cleanup command, so
 * this module has no Docker dependency.
 */
export const LABELS = {
  run: "rerank-harness.run",
  pid: "rerank-harness.pid",
  host: "rerank-harness.host",
  target: "rerank-harness.target",
  started: "rerank-harness.started",
} as const;

/** This harness process's run id. */
export const RUN_ID = randomUUID();

/** The labels of one target's container (`target` is unique per start). */
export function runLabels(target: string): Record<string, string> {
  return {
    [LABELS.run]: RUN_ID,
    [LABELS.pid]: String(process.pid),
    [LABELS.host]: hostname(),
    [LABELS.target]: target,
    [LABELS.started]: new Date().toISOString(),
  };
}
