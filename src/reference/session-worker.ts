/**
 * The inference worker's source. onnxruntime-node runs a session synchronously on the calling
 * thread, so sessions live in a worker thread: the HTTP thread stays responsive and can tokenize
 * the next requests while a batch runs. Kept as plain JS (eval'd) so it works the same from
 * TypeScript sources (tsx, vitest) and from the compiled dist/.
 *
 * A worker hosts one or more sessions, keyed by sid: onnxruntime-node 1.17's binding (the bundled
 * runtime) is not context-aware, so it loads in one thread per process only ("Module did not
 * self-register" in a second worker) and all its sessions must share that worker.
 *
 * The scheduler keeps the next batch queued here behind the running one (so the session never
 * waits for the HTTP thread); a queued batch whose clients have all gone is skipped, not run: the
 * session's shared \`cancel\` flags (Int32Array over a SharedArrayBuffer, one per id % its length)
 * are read just before a batch starts.
 *
 * workerData: { ortPath }. Messages in: { op: "create", sid, modelPath, threads, spin, cancel } |
 * { op: "run", sid, id, ids, mask, types, dims } (int64 buffers) | { op: "release", sid }.
 * Messages out: { sid, ready, inputNames, outputNames } | { sid, fatal } | { sid, id, logits, dims } |
 * { sid, id, skipped } | { sid, id, error } | { sid, released }.
 */
export const SESSION_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
const sessions = new Map();
const cancels = new Map();
const chains = new Map();
const errorText = (err) => String((err && err.message) || err);
parentPort.on("message", async (msg) => {
  const { sid } = msg;
  if (msg.op === "create") {
    try {
      sessions.set(sid, await ort.InferenceSession.create(msg.modelPath, {
        intraOpNumThreads: msg.threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        // Idle intra-op threads must not spin: the HTTP thread needs that core to tokenize.
        extra: msg.spin ? {} : { session: { intra_op: { allow_spinning: "0" } } },
      }));
    } catch (err) {
      parentPort.postMessage({ sid, fatal: errorText(err) });
      return;
    }
    if (msg.cancel) cancels.set(sid, new Int32Array(msg.cancel));
    const session = sessions.get(sid);
    parentPort.postMessage({ sid, ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
  } else if (msg.op === "release") {
    const session = sessions.get(sid);
    const running = chains.get(sid);
    sessions.delete(sid);
    cancels.delete(sid);
    chains.delete(sid);
    try {
      if (running) await running; // never rejects: runOne answers its own errors
      if (session) await session.release();
    } finally {
      parentPort.postMessage({ sid, released: true });
    }
  } else {
    // One run at a time per session, in arrival order: a queued run waits here for the one
    // before it, so its cancel flag is read just before it starts, not when it arrived.
    const run = (chains.get(sid) || Promise.resolve()).then(() => runOne(msg));
    chains.set(sid, run);
  }
});

async function runOne(msg) {
  const { sid } = msg;
  {
    const session = sessions.get(sid);
    try {
      if (!session) throw new Error("session released");
      const cancel = cancels.get(sid);
      if (cancel && Atomics.load(cancel, msg.id % cancel.length) === 1) {
        parentPort.postMessage({ sid, id: msg.id, skipped: true });
        return;
      }
      const all = { input_ids: msg.ids, attention_mask: msg.mask, token_type_ids: msg.types };
      const feeds = {};
      for (const name of session.inputNames) feeds[name] = new ort.Tensor("int64", all[name], msg.dims);
      const out = await session.run(feeds);
      const tensor = out.logits || out[session.outputNames[0]];
      if (!tensor || tensor.type !== "float32") throw new Error("model output is not float32 logits");
      const logits = tensor.data.slice();
      parentPort.postMessage({ sid, id: msg.id, logits, dims: tensor.dims }, [logits.buffer]);
    } catch (err) {
      parentPort.postMessage({ sid, id: msg.id, error: errorText(err) });
    }
  }
}
`;
