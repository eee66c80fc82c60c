import { parentPort, workerData } from "node:worker_threads";
import { runShard, type ShardPlan } from "./engine.js";
import type { Recorder } from "./recorder.js";
import { PROGRESS_INTERVAL_MS, WATCH_INTERVAL_MS, type FromWorker, type ToWorker } from "./worker-protocol.js";

// Worker-thread entry: runs one shard when told the common start time, reports progress each
// second and posts the shard's result (encoded histograms) back for merging.

const port = parentPort!;
const plan = (workerData as { plan: ShardPlan }).plan;
const post = (msg: FromWorker): void => port.postMessage(msg);

const stop = new AbortController();
port.on("message", (msg: ToWorker) => {
  if (msg.type === "stop") return stop.abort();
  let recorder: Recorder | undefined;
  const ticker = setInterval(() => recorder && post({ type: "progress", progress: recorder.progress() }), PROGRESS_INTERVAL_MS);
  const watcher = setInterval(() => recorder && post({ type: "live", live: recorder.live() }), WATCH_INTERVAL_MS);
  runShard(plan, msg.t0, { onRecorder: (r) => (recorder = r), stop: stop.signal })
    .then((result) => post({ type: "result", result }))
    .catch((err: unknown) => post({ type: "error", message: err instanceof Error ? err.message : String(err) }))
    .finally(() => {
      clearInterval(ticker);
      clearInterval(watcher);
    });
});
post({ type: "ready" });
