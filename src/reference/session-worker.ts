/**
 * The inference host's source. onnxruntime-node runs a session synchronously on the calling
 * thread, so each session lives apart from the HTTP thread, which stays responsive and tokenizes
 * the next requests while a batch runs. Kept as plain JS (eval'd) so it works the same from
 * TypeScript sources (tsx, vitest) and from the compiled dist/.
 *
 * It runs as a worker thread where the runtime's binding loads in every thread (1.30), and as a
 * child process where it does not: onnxruntime-node 1.17's binding (the bundled runtime) is not
 * context-aware and loads in one thread per process only ("Module did not self-register" in a
 * second worker), so sessions side by side need a process each. See session-host.ts.
 *
 * The scheduler keeps the next batch queued here behind the running one (so the session never
 * waits for the HTTP thread); a queued batch whose clients have all gone is skipped, not run. In a
 * thread, the session's shared \`cancel\` flags (Int32Array over a SharedArrayBuffer, one per
 * id % its length) are read just before a batch starts; in a process, "cancel" messages are, the
 * host first letting any that came during the previous run be read.
 *
 * Thread: workerData { ortPath }. Process: argv[1] is ortPath; it exits when its parent goes.
 * Messages in: { op: "create", sid, modelPath, threads, spin, cancel? } |
 * { op: "run", sid, id, ids, mask, types, dims } (int64 buffers) | { op: "cancel", sid, id } |
 * { op: "release", sid }.
 * Messages out: { sid, ready, inputNames, outputNames } | { sid, fatal } | { sid, id, logits, dims } |
 * { sid, id, skipped } | { sid, id, error } | { sid, released }.
 */
export const SESSION_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const port = parentPort || {
  on: (event, listener) => process.on(event, listener),
  postMessage: (msg) => process.connected && process.send(msg),
};
if (!parentPort) process.on("disconnect", () => process.exit(0));
const ort = require(parentPort ? workerData.ortPath : process.argv[1]);
const sessions = new Map();
const cancels = new Map();
const cancelled = new Map();
const chains = new Map();
const errorText = (err) => String((err && err.message) || err);
port.on("message", async (msg) => {
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
      port.postMessage({ sid, fatal: errorText(err) });
      return;
    }
    if (msg.cancel) cancels.set(sid, new Int32Array(msg.cancel));
    else cancelled.set(sid, new Set());
    const session = sessions.get(sid);
    port.postMessage({ sid, ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
  } else if (msg.op === "cancel") {
    cancelled.get(sid)?.add(msg.id);
  } else if (msg.op === "release") {
    const session = sessions.get(sid);
    const running = chains.get(sid);
    sessions.delete(sid);
    cancels.delete(sid);
    cancelled.delete(sid);
    chains.delete(sid);
    try {
      if (running) await running; // never rejects: runOne answers its own errors
      if (session) await session.release();
    } finally {
      port.postMessage({ sid, released: true });
    }
  } else {
    // One run at a time per session, in arrival order: a queued run waits here for the one
    // before it, so its cancel flag is read just before it starts, not when it arrived.
    const run = (chains.get(sid) || Promise.resolve()).then(() => runOne(msg));
    chains.set(sid, run);
  }
});

function isCancelled(sid, id) {
  const flags = cancels.get(sid);
  if (flags) return Atomics.load(flags, id % flags.length) === 1;
  const ids = cancelled.get(sid);
  if (!ids) return false;
  // Runs start in id order: a cancel for an earlier run came after it ended, and is done with.
  for (const earlier of ids) if (earlier < id) ids.delete(earlier);
  return ids.delete(id);
}

async function runOne(msg) {
  const { sid } = msg;
  // In a process, cancel messages that came during the previous run are read first.
  if (!parentPort) await new Promise((resolve) => setImmediate(resolve));
  const session = sessions.get(sid);
  try {
    if (!session) throw new Error("session released");
    if (isCancelled(sid, msg.id)) {
      port.postMessage({ sid, id: msg.id, skipped: true });
      return;
    }
    const all = { input_ids: msg.ids, attention_mask: msg.mask, token_type_ids: msg.types };
    const feeds = {};
    for (const name of session.inputNames) feeds[name] = new ort.Tensor("int64", all[name], msg.dims);
    const out = await session.run(feeds);
    const tensor = out.logits || out[session.outputNames[0]];
    if (!tensor || tensor.type !== "float32") throw new Error("model output is not float32 logits");
    const logits = tensor.data.slice();
    if (parentPort) parentPort.postMessage({ sid, id: msg.id, logits, dims: tensor.dims }, [logits.buffer]);
    else port.postMessage({ sid, id: msg.id, logits, dims: tensor.dims });
  } catch (err) {
    port.postMessage({ sid, id: msg.id, error: errorText(err) });
  }
}
`;
