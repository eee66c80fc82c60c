// @ts-nocheck
import { setTimeout as sleep } from "node:timers/promises";

// One time base for every thread: performance.timeOrigin + performance.now() is a wall-clock
// reading with sub-millisecond resolution that worker threads share (each has its own origin,
// but the sum agrees), so a schedule made in the main thread means the same instants in a worker.

export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Waits until an absolute clock time (coarsely; the open loop does its own precise timing). */
export async function sleepUntil(tAbs: number): Promise<void> {
  const delay = tAbs - clockMs();
  if (delay > 0) await sleep(Math.ceil(delay));
}
