import type { DialectName } from "../contract/dialect.js";
import { getDialect } from "../contract/registry.js";
import { ArrivalSchedule, type Arrival } from "./arrival.js";
import { clockMs, sleepUntil } from "./clock.js";
import { Recorder, type ShardResult } from "./recorder.js";
import { Sender, type PreparedRequest } from "./sender.js";

/** One thread's share of one scenario. Plain data: it is posted to worker threads as is. */
export interface ShardPlan {
  target: { baseUrl: string; path: string; dialect: DialectName; apiKey?: string };
  mode: "open" | "closed";
  /** Open loop: the whole scenario's rate; this shard sends every `shards`-th request of the schedule. */
  rate: number | null;
  /** Open loop: how the schedule spaces intended send times. */
  arrival: Arrival;
  /** Seeds the poisson schedule (every shard draws the same one). */
  seed: number;
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
  /** A mix: request i belongs to group groups[i % length] (of groupCount), recorded apart too. */
  groups?: number[];
  groupCount?: number;
}

/** Live access for the host thread (progress lines). */
export interface ShardHooks {
  onRecorder?: (recorder: Recorder) => void;
  /** --abort-on-fail: once aborted, an open loop stops sending and abandons what is in flight. */
  stop?: AbortSignal;
}

/** Runs one shard from the common start time `t0` (absolute clock ms) and returns what it measured. */
export async function runShard(plan: ShardPlan, t0: number, hooks: ShardHooks = {}): Promise<ShardResult> {
  const windowStart = t0 + plan.warmupMs;
  const recorder = new Recorder(windowStart, windowStart + plan.durationMs, plan.groupCount ?? 0);
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
    if (plan.mode === "open") await openLoop(plan, t0, sender, recorder, bodies, hooks.stop);
    else await closedLoop(plan, t0, sender, recorder, bodies);
  } finally {
    await sender.close();
  }
  return recorder.result();
}

/**
 * Open loop: request i is due at t0 + its schedule offset (i/rate, or a Poisson draw) whatever
 * happened to earlier ones. A timer wakes the loop for the next due send; everything already due goes out at once (a
 * late wake-up shows as lag, and in latency, which is measured from the due time). Past
 * `maxInflight` a due request is dropped and counted, never delayed.
 */
function openLoop(plan: ShardPlan, t0: number, sender: Sender, recorder: Recorder, bodies: PreparedRequest[], stop?: AbortSignal): Promise<void> {
  const rate = plan.rate!;
  const schedule = new ArrivalSchedule(plan.arrival, rate, plan.warmupMs + plan.durationMs, plan.seed);
  // This shard's next request: its index in the whole schedule and its due time (undefined: none left).
  let i = -1;
  let due: number | undefined;
  const advance = (): void => {
    do {
      const offset = schedule.next();
      i++;
      due = offset === undefined ? undefined : t0 + offset;
    } while (due !== undefined && i % plan.shards !== plan.shard);
  };
  advance();
  let inflight = 0;
  let scheduled = false;
  let stopped = false;

  return new Promise<void>((resolve) => {
    const finishIfDone = (): void => {
      if (scheduled && inflight === 0) resolve();
    };
    // Aborted: nothing more is sent or recorded; what is in flight is abandoned, not awaited.
    const onStop = (): void => {
      if (stopped) return;
      stopped = true;
      recorder.abandoned = inflight;
      sender.abandon();
      resolve();
    };
    if (stop?.aborted) onStop();
    stop?.addEventListener("abort", onStop, { once: true });
    const fire = (index: number, intended: number): void => {
      const group = plan.groups ? plan.groups[index % plan.groups.length]! : -1;
      if (inflight >= plan.maxInflight) {
        recorder.onDropped(intended, group);
        return;
      }
      inflight++;
      const sentAt = clockMs();
      recorder.onSent(intended, group);
      recorder.onWireStart(index, intended);
      sender.start(bodies[index % bodies.length]!, (completion) => {
        if (stopped) return;
        inflight--;
        recorder.onWireEnd(index);
        recorder.onComplete(intended, sentAt, clockMs(), completion, group);
        finishIfDone();
      });
    };
    const tick = (): void => {
      if (stopped) return;
      const now = clockMs();
      while (due !== undefined && due <= now) {
        fire(i, due);
        advance();
      }
      if (due !== undefined) wake(due);
      else {
        scheduled = true;
        finishIfDone();
      }
    };
    // Timers have millisecond granularity: sleep to within a millisecond of the due time, then
    // yield to I/O with setImmediate until it arrives, so sends go out neither early nor ~1 ms
    // late. Above 1000 req/s (per shard) something is always due within a millisecond and that
    // would spin a core, so sends go out in 1 ms batches instead (lag ≤ ~1 ms, recorded, as in wrk2).
    const spin = (1000 / rate) * plan.shards >= 1;
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
    const group = plan.groups ? plan.groups[index % plan.groups.length]! : -1;
    recorder.onSent(sentAt, group);
    sender.start(bodies[index % bodies.length]!, (completion) => {
      recorder.onComplete(sentAt, sentAt, clockMs(), completion, group);
      user(done);
    });
  };
  await Promise.all(Array.from({ length: plan.concurrency! }, () => new Promise<void>((resolve) => user(resolve))));
}
