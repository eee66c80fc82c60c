import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { clockMs } from "./clock.js";
import { runShard, type ShardPlan } from "./engine.js";
import type { Recorder, ShardProgress, ShardResult } from "./recorder.js";
import { PROGRESS_INTERVAL_MS, WATCH_INTERVAL_MS, type FromWorker, type ToWorker } from "./worker-protocol.js";
import { sumCounts, type AbortDecision, type LiveCounts } from "./abort.js";
import { HarnessError } from "../util/errors.js";
/** Head start between "everyone is ready" and the first scheduled send. */
const START_DELAY_MS = 50;
/** How long a worker thread may take to load before the run is abandoned. */
const WORKER_READY_TIMEOUT_MS = 30_000;

export class WorkerFailedError extends HarnessError {
  readonly code = "RH_LOAD_WORKER";
  readonly kind = "internal";
}

export interface ShardsRun {
  /** The common start time (absolute clock ms). */
  t0: number;
  results: ShardResult[];
  /** --abort-on-fail stopped the shards: why, and when (absolute clock ms). */
  aborted?: AbortDecision & { at: number };
}

/** --abort-on-fail: judges the shards' live counts; a decision stops them all. */
export type ShardsWatch = (counts: LiveCounts, t0: number) => AbortDecision | undefined;

/**
 * Runs the shards of one scenario: a single shard in this thread (the simple, default path),
 * several (or an isolated one) in worker threads that all start from the same instant. `onTick` gets each shard's
 * latest progress once a second.
 */
export async function runShards(
  plans: ShardPlan[],
  onTick?: (progress: ShardProgress[], t0: number) => void,
  { isolate = false, watch }: { isolate?: boolean; watch?: ShardsWatch } = {},
): Promise<ShardsRun> {
  if (plans.length === 1 && !isolate) return runInProcess(plans[0]!, onTick, watch);
  return runInWorkers(plans, onTick, watch);
}

async function runInProcess(plan: ShardPlan, onTick?: (progress: ShardProgress[], t0: number) => void, watch?: ShardsWatch): Promise<ShardsRun> {
  const t0 = clockMs() + START_DELAY_MS;
  let recorder: Recorder | undefined;
  let aborted: ShardsRun["aborted"];
  const stop = new AbortController();
  const ticker = onTick && setInterval(() => recorder && onTick([recorder.progress()], t0), PROGRESS_INTERVAL_MS);
  const watcher =
    watch &&
    setInterval(() => {
      const decision = recorder && !aborted ? watch(recorder.live(), t0) : undefined;
      if (!decision) return;
      aborted = { ...decision, at: clockMs() };
      stop.abort();
    }, WATCH_INTERVAL_MS);
  try {
    const result = await runShard(plan, t0, { onRecorder: (r) => (recorder = r), stop: stop.signal });
    return { t0, results: [result], ...(aborted ? { aborted } : {}) };
  } finally {
    if (ticker) clearInterval(ticker);
    if (watcher) clearInterval(watcher);
  }
}

/**
 * The worker entry: worker.js next to this module once built; from source (tsx, vitest) a small
 * bootstrap that registers tsx in the new thread first, since loader flags do not reach workers.
 */
function workerEntry(): { script: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith(".ts")) return { script: new URL("./worker.js", import.meta.url), eval: false };
  // require.resolve picks the CommonJS build; the ESM one sits beside it.
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const entry = new URL("./worker.ts", import.meta.url).href;
  const script = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return { script, eval: true };
}

async function runInWorkers(plans: ShardPlan[], onTick?: (progress: ShardProgress[], t0: number) => void, watch?: ShardsWatch): Promise<ShardsRun> {
  const entry = workerEntry();
  const latest: Array<ShardProgress | undefined> = plans.map(() => undefined);
  const live: Array<LiveCounts | undefined> = plans.map(() => undefined);
  const workers = plans.map((plan) => new Worker(entry.script, { eval: entry.eval, workerData: { plan } }));
  let ticker: NodeJS.Timeout | undefined;
  let watcher: NodeJS.Timeout | undefined;
  try {
    const ready = workers.map((w, i) => waitFor(w, i, "ready", WORKER_READY_TIMEOUT_MS));
    const results = workers.map((w, i) =>
      waitFor(
        w,
        i,
        "result",
        0,
        (p) => (latest[i] = p),
        (l) => (live[i] = l),
      ),
    );
    // Surface a failure to start without leaving the result promises unhandled.
    results.forEach((p) => p.catch(() => {}));
    await Promise.all(ready);
    const t0 = clockMs() + START_DELAY_MS;
    for (const w of workers) w.postMessage({ type: "start", t0 } satisfies ToWorker);
    let aborted: ShardsRun["aborted"];
    if (onTick) {
      ticker = setInterval(() => {
        const ready = latest.filter((p): p is ShardProgress => p !== undefined);
        if (ready.length > 0) onTick(ready, t0);
      }, PROGRESS_INTERVAL_MS);
    }
    if (watch) {
      watcher = setInterval(() => {
        const counts = live.filter((l): l is LiveCounts => l !== undefined);
        // Judged only once every shard has reported: a partial sum would understate the queue.
        const decision = !aborted && counts.length === plans.length ? watch(sumCounts(counts), t0) : undefined;
        if (!decision) return;
        aborted = { ...decision, at: clockMs() };
        for (const w of workers) w.postMessage({ type: "stop" } satisfies ToWorker);
      }, WATCH_INTERVAL_MS);
    }
    const done = await Promise.all(results);
    return { t0, results: done.map((m) => m as ShardResult), ...(aborted ? { aborted } : {}) };
  } finally {
    if (ticker) clearInterval(ticker);
    if (watcher) clearInterval(watcher);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Resolves on the worker's first message of `type` (its result, for "result"); rejects on error or exit. */
function waitFor(
  worker: Worker,
  index: number,
  type: "ready" | "result",
  timeoutMs: number,
  onProgress?: (p: ShardProgress) => void,
  onLive?: (l: LiveCounts) => void,
): Promise<ShardResult | undefined> {
  return new Promise((resolve, reject) => {
    const timer = timeoutMs > 0 ? setTimeout(() => fail(`worker ${index} not ready within ${timeoutMs} ms`), timeoutMs) : undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const fail = (message: string): void => {
      cleanup();
      reject(new WorkerFailedError(message));
    };
    const onMessage = (msg: FromWorker): void => {
      if (msg.type === "progress") onProgress?.(msg.progress);
      else if (msg.type === "live") onLive?.(msg.live);
      else if (msg.type === "error") fail(`worker ${index}: ${msg.message}`);
      else if (msg.type === type) {
        cleanup();
        resolve(msg.type === "result" ? msg.result : undefined);
      }
    };
    const onError = (err: Error): void => fail(`worker ${index}: ${err.message}`);
    const onExit = (code: number): void => fail(`worker ${index} exited (code ${code}) before it finished`);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
