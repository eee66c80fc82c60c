// @ts-nocheck
import type { DialectName } from "../contract/dialect.js";
import { getDialect } from "../contract/registry.js";
import { clockMs, sleepUntil } from "./clock.js";
import { Recorder, type ShardResult } from "./recorder.js";
import { Sender, type PreparedRequest } from "./sender.js";

/** One thread's share of one scenario. Plain data: it is posted to worker threads as is. */
export interface ShardPlan {
  target: { baseUrl: string; path: string; dialect: DialectName; apiKey?: string };
  mode: "open" | "closed";
  /** Open loop: the whole scenario's rate; this shard sends every `shards`-th request of the schedule. */
  rate: number | null;
  /** Closed loop: this shard's virtual users. */
  concurrency: number | null;
  shard: number;
  shards: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  /** This shard's share of --max-inflight. */
  maxInflight: number;
  /** Serialised request bodies; request i sends bodies[i % length]. */
  bodies: string[];
}

/** Live access for the host thread (progress lines). */
export interface ShardHooks {
  onRecorder?: (recorder: Recorder) => void;
}

/** Runs one shard from the common start time `t0` (absolute clock ms) and returns what it measured. */
export async function runShard(plan: ShardPlan, t0: number, hooks: ShardHooks = {}): Promise<ShardResult> {
  const windowStart = t0 + plan.warmupMs;
  const recorder = new Recorder(windowStart, windowStart + plan.durationMs);
  hooks.onRecorder?.(recorder);
  const sender = new Sender({
    baseUrl: plan.target.baseUrl,
    path: plan.target.path,
    dialect: getDialect(plan.target.dialect),
    apiKey: plan.target.apiKey,
    timeoutMs: plan.timeoutMs,
    connections: plan.maxInflight,
  });
  const bodies = plan.bodies.map((b) => sender.prepare(b));
  try {
    if (plan.mode === "open") await openLoop(plan, t0, sender, recorder, bodies);
    else await closedLoop(plan, t0, sender, recorder, bodies);
  } finally {
    await sender.close();
  }
  return recorder.result();
}

/**
 * Constant arrival rate: request i is due at t0 + i/rate whatever happened to earlier ones.
 * A timer wakes the loop for the next due send; everything already due goes out at once (a
 * late wake-up shows as lag, and in latency, which is measured from the due time). Past
 * `maxInflight` a due request is dropped and counted, never delayed.
 */
function openLoop(plan: ShardPlan, t0: number, sender: Sender, recorder: Recorder, bodies: PreparedRequest[]): Promise<void> {
  const rate = plan.rate!;
  const interval = 1000 / rate;
  const total = Math.floor(((plan.warmupMs + plan.durationMs) * rate) / 1000);
  let i = plan.shard;
  let inflight = 0;
  let scheduled = false;

  return new Promise<void>((resolve) => {
    const finishIfDone = (): void => {
      if (scheduled && inflight === 0) resolve();
    };
    const fire = (index: number, intended: number): void => {
      if (inflight >= plan.maxInflight) {
        recorder.onDropped(intended);
        return;
      }
      inflight++;
      const sentAt = clockMs();
      recorder.onSent(intended);
      sender.start(bodies[index % bodies.length]!, (completion) => {
        inflight--;
        recorder.onComplete(intended, sentAt, clockMs(), completion);
        finishIfDone();
      });
    };
    const tick = (): void => {
      const now = clockMs();
      while (i < total) {
        const intended = t0 + i * interval;
        if (intended > now) break;
        fire(i, intended);
        i += plan.shards;
      }
      if (i < total) wake(t0 + i * interval);
      else {
        scheduled = true;
        finishIfDone();
      }
    };
    // Timers have millisecond granularity: sleep to within a millisecond of the due time, then
    // yield to I/O with setImmediate until it arrives, so sends go out neither early nor ~1 ms
    // late. Above 1000 req/s (per shard) something is always due within a millisecond and that
    // would spin a core, so sends go out in 1 ms batches instead (lag ≤ ~1 ms, recorded, as in wrk2).
    const spin = interval * plan.shards >= 1;
    const wake = (due: number): void => {
      const delay = due - clockMs();
      if (delay >= 1) setTimeout(tick, Math.floor(delay));
      else if (spin) setImmediate(tick);
      else setTimeout(tick, 1);
    };
    wake(t0);
  });
}

/** Closed loop: each virtual user sends its next request as soon as the last one completes. */
async function closedLoop(plan: ShardPlan, t0: number, sender: Sender, recorder: Recorder, bodies: PreparedRequest[]): Promise<void> {
  const end = t0 + plan.warmupMs + plan.durationMs;
  let next = 0;
  await sleepUntil(t0);
  // Callbacks rather than await: no promise per request on the hot path.
  const user = (done: () => void): void => {
    const sentAt = clockMs();
    if (sentAt >= end) return done();
    const index = plan.shard + plan.shards * next++;
    recorder.onSent(sentAt);
    sender.start(bodies[index % bodies.length]!, (completion) => {
      recorder.onComplete(sentAt, sentAt, clockMs(), completion);
      user(done);
    });
  };
  await Promise.all(Array.from({ length: plan.concurrency! }, () => new Promise<void>((resolve) => user(resolve))));
}
