import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { InvalidModelError } from "./errors.js";
import type { EncodedPair } from "./pair-encoder.js";
import { SESSION_WORKER_SOURCE } from "./session-worker.js";
import { resolveOnnxruntime } from "../util/optional-deps.js";

const CROSS_ENCODER_INPUTS = ["input_ids", "attention_mask", "token_type_ids"];

interface Pending {
  resolve: (v: { logits: Float32Array; labels: number }) => void;
  reject: (err: Error) => void;
}

/**
 * An onnxruntime session for a cross-encoder, run in a worker thread: padded int64 batches in,
 * logits [batch, labels] out. intra-op threads match the cores; runs are issued one at a time.
 */
export class CrossEncoderSession {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    private readonly padId: number,
  ) {
    worker.on("message", (msg: { id: number; logits?: Float32Array; dims?: number[]; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined || !msg.logits) p.reject(new InvalidModelError(`inference failed: ${msg.error}`));
      else p.resolve({ logits: msg.logits, labels: msg.dims && msg.dims.length > 1 ? Number(msg.dims.at(-1)) : 1 });
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", () => fail(new Error("inference worker exited")));
  }

  static async create(modelPath: string, opts: { padId?: number; threads?: number } = {}): Promise<CrossEncoderSession> {
    const ortPath = resolveOnnxruntime();
    const worker = new Worker(SESSION_WORKER_SOURCE, {
      eval: true,
      workerData: { ortPath, modelPath, threads: opts.threads ?? availableParallelism(), spin: process.env.RERANK_HARNESS_ORT_SPIN === "1" },
    });
    const ready = await new Promise<{ inputNames: string[] }>((resolve, reject) => {
      worker.once("message", (msg: { ready?: boolean; inputNames: string[]; fatal?: string }) =>
        msg.ready ? resolve(msg) : reject(new InvalidModelError(`cannot load ONNX model ${modelPath}: ${msg.fatal}`)),
      );
      worker.once("error", (err) => reject(new InvalidModelError(`cannot load ONNX model ${modelPath}: ${err.message}`)));
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    const unknown = ready.inputNames.filter((n) => !CROSS_ENCODER_INPUTS.includes(n));
    if (!ready.inputNames.includes("input_ids") || unknown.length > 0) {
      await worker.terminate();
      throw new InvalidModelError(`${modelPath}: inputs ${ready.inputNames.join(", ")} are not a cross-encoder's`);
    }
    return new CrossEncoderSession(worker, ready.inputNames, opts.padId ?? 0);
  }

  /** Pads to the longest pair (attention mask 0 on padding) and returns logits row-major. */
  run(pairs: readonly EncodedPair[]): Promise<{ logits: Float32Array; labels: number }> {
    if (this.failure) return Promise.reject(this.failure);
    const { ids, mask, types, dims } = padBatch(pairs, this.padId);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ids, mask, types, dims }, [ids.buffer, mask.buffer, types.buffer]);
    });
  }

  async release(): Promise<void> {
    const exited = new Promise((r) => this.worker.once("exit", r));
    this.worker.postMessage({ release: true });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.worker.terminate();
  }
}

/** Int64 tensors for a batch, padded to its longest pair. */
export function padBatch(pairs: readonly EncodedPair[], padId: number) {
  const batch = pairs.length;
  const seq = Math.max(1, ...pairs.map((p) => p.ids.length));
  const ids = new BigInt64Array(batch * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * seq);
  const types = new BigInt64Array(batch * seq);
  pairs.forEach((p, row) => {
    const base = row * seq;
    for (let i = 0; i < p.ids.length; i++) {
      ids[base + i] = BigInt(p.ids[i]!);
      mask[base + i] = 1n;
      types[base + i] = BigInt(p.typeIds[i]!);
    }
  });
  return { ids, mask, types, dims: [batch, seq] };
}
