/**
 * The inference host's source. onnxruntime-node runs a session synchronously on the calling
 * thread, so each session lives apart from the HTTP thread, which stays responsive and tokenizes
 * the next requests while a batch runs (but for a lone request's small batch: inline-session.ts).
 * Kept as plain JS (eval'd) so it works the same from TypeScript sources (tsx, vitest) and from
 * the compiled dist/.
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
 * A host holds one session. Thread: workerData { ortPath }. Process: argv[1] is ortPath; it exits
 * when its parent goes.
 * Messages in: { op: "create", modelPath, threads, spin, cancel? } |
 * { op: "run", id, runs: [{ ids, mask, types, dims }] } (int64 buffers; one batch as runs of
 * pairs of about one length, computed in order) | { op: "cancel", id } | { op: "release" }.
 * Messages out: { ready, inputNames, outputNames } | { fatal } | { id, logits, dims: [rows, labels] } |
 * { id, skipped } | { id, error } | { released }.
 */
export const SESSION_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const port = parentPort || {
  on: (event, listener) => process.on(event, listener),
  // IPC has no transfer list: structured clone copies the typed arrays.
  postMessage: (msg, _transfer) => process.connected && process.send(msg),
};
if (!parentPort) process.on("disconnect", () => process.exit(0));
const ort = require(parentPort ? workerData.ortPath : process.argv[1]);
let session;
let flags; // thread: Int32Array over the shared cancel flags
const cancelled = new Set(); // process: ids of runs cancelled by message
let chain = Promise.resolve();
const errorText = (err) => String((err && err.message) || err);
port.on("message", async (msg) => {
  if (msg.op === "create") {
    try {
      session = await ort.InferenceSession.create(msg.modelPath, {
        intraOpNumThreads: msg.threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        // Idle intra-op threads must not spin: the HTTP thread needs that core to tokenize.
        extra: msg.spin ? {} : { session: { intra_op: { allow_spinning: "0" } } },
      });
    } catch (err) {
      port.postMessage({ fatal: errorText(err) });
      return;
    }
    if (msg.cancel) flags = new Int32Array(msg.cancel);
    port.postMessage({ ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
  } else if (msg.op === "cancel") {
    cancelled.add(msg.id);
  } else if (msg.op === "release") {
    const released = session;
    session = undefined;
    try {
      await chain; // never rejects: runOne answers its own errors
      if (released) await released.release();
    } finally {
      port.postMessage({ released: true });
    }
  } else {
    // One run at a time, in arrival order: a queued run waits here for the one before it, so
    // its cancel flag is read just before it starts, not when it arrived.
    chain = chain.then(() => runOne(msg));
  }
});

function isCancelled(id) {
  if (flags) return Atomics.load(flags, id % flags.length) === 1;
  // Runs start in id order: a cancel for an earlier run came after it ended, and is done with.
  for (const earlier of cancelled) if (earlier < id) cancelled.delete(earlier);
  return cancelled.delete(id);
}

async function runOne(msg) {
  // In a process, cancel messages that came during the previous run are read first.
  if (!parentPort) await new Promise((resolve) => setImmediate(resolve));
  const current = session; // a release while this run computes must not take it from under it
  try {
    if (!current) throw new Error("session released");
    if (isCancelled(msg.id)) {
      port.postMessage({ id: msg.id, skipped: true });
      return;
    }
    // The batch's runs one after the other; their logits rows joined in order.
    const parts = [];
    let labels = 1;
    for (const run of msg.runs) {
      const all = { input_ids: run.ids, attention_mask: run.mask, token_type_ids: run.types };
      const feeds = {};
      for (const name of current.inputNames) feeds[name] = new ort.Tensor("int64", all[name], run.dims);
      const out = await current.run(feeds);
      const tensor = out.logits || out[current.outputNames[0]];
      if (!tensor || tensor.type !== "float32") throw new Error("model output is not float32 logits");
      parts.push(tensor.data);
      labels = tensor.dims.length > 1 ? Number(tensor.dims[tensor.dims.length - 1]) : 1;
    }
    const logits = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      logits.set(p, offset);
      offset += p.length;
    }
    port.postMessage({ id: msg.id, logits, dims: [logits.length / labels, labels] }, [logits.buffer]);
  } catch (err) {
    port.postMessage({ id: msg.id, error: errorText(err) });
  }
}
`;
