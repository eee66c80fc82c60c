/**
 * The inference worker's source. onnxruntime-node runs a session synchronously on the calling
 * thread, so the session lives in a worker thread: the HTTP thread stays responsive and can
 * tokenize the next requests while a batch runs. Kept as plain JS (eval'd) so it works the same
 * from TypeScript sources (tsx, vitest) and from the compiled dist/.
 *
 * workerData: { ortPath, modelPath, threads, spin }. Messages in: { id, ids, mask, types, dims } (int64
 * buffers) or { release: true }. Messages out: { ready, inputNames, outputNames } | { id, logits,
 * dims } | { id, error } | { fatal }.
 */
// @ts-nocheck

export const SESSION_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
(async () => {
  let session;
  try {
    session = await ort.InferenceSession.create(workerData.modelPath, {
      intraOpNumThreads: workerData.threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      // Idle intra-op threads must not spin: the HTTP thread needs that core to tokenize.
      extra: workerData.spin ? {} : { session: { intra_op: { allow_spinning: "0" } } },
    });
  } catch (err) {
    parentPort.postMessage({ fatal: String(err && err.message || err) });
    return;
  }
  parentPort.postMessage({ ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
  parentPort.on("message", async (msg) => {
    if (msg.release) {
      await session.release();
      parentPort.close();
      return;
    }
    try {
      const all = { input_ids: msg.ids, attention_mask: msg.mask, token_type_ids: msg.types };
      const feeds = {};
      for (const name of session.inputNames) feeds[name] = new ort.Tensor("int64", all[name], msg.dims);
      const out = await session.run(feeds);
      const tensor = out.logits || out[session.outputNames[0]];
      if (!tensor || tensor.type !== "float32") throw new Error("model output is not float32 logits");
      const logits = tensor.data.slice();
      parentPort.postMessage({ id: msg.id, logits, dims: tensor.dims }, [logits.buffer]);
    } catch (err) {
      parentPort.postMessage({ id: msg.id, error: String(err && err.message || err) });
    }
  });
})();
`;
