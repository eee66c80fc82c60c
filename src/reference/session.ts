import { availableParallelism } from "node:os";
import type { InferenceSession as OrtSession } from "onnxruntime-node";
import { InvalidModelError } from "./errors.js";
import type { EncodedPair } from "./pair-encoder.js";

/** An onnxruntime session for a cross-encoder: padded int64 batches in, logits [batch, labels] out. */
export class CrossEncoderSession {
  private constructor(
    private readonly ort: typeof import("onnxruntime-node"),
    private readonly session: OrtSession,
    private readonly padId: number,
  ) {}

  static async create(modelPath: string, opts: { padId?: number; threads?: number } = {}): Promise<CrossEncoderSession> {
    const ort = await import("onnxruntime-node");
    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        // One run at a time uses every core; more inter-op threads would only oversubscribe.
        intraOpNumThreads: opts.threads ?? availableParallelism(),
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
    } catch (err) {
      throw new InvalidModelError(`cannot load ONNX model ${modelPath}: ${(err as Error).message}`, { cause: err });
    }
    if (!session.inputNames.includes("input_ids")) {
      throw new InvalidModelError(`${modelPath}: expected an input named input_ids, found ${session.inputNames.join(", ")}`);
    }
    return new CrossEncoderSession(ort, session, opts.padId ?? 0);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** Pads to the longest pair (attention mask 0 on padding) and returns logits row-major. */
  async run(pairs: readonly EncodedPair[]): Promise<{ logits: Float32Array; labels: number }> {
    const batch = pairs.length;
    const seq = Math.max(1, ...pairs.map((p) => p.ids.length));
    const ids = new BigInt64Array(batch * seq).fill(BigInt(this.padId));
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
    const dims = [batch, seq];
    const all: Record<string, BigInt64Array> = { input_ids: ids, attention_mask: mask, token_type_ids: types };
    const feeds: Record<string, import("onnxruntime-node").Tensor> = {};
    for (const name of this.session.inputNames) {
      const data = all[name];
      if (!data) throw new InvalidModelError(`model input ${name} is not a cross-encoder input`);
      feeds[name] = new this.ort.Tensor("int64", data, dims);
    }
    const out = await this.session.run(feeds);
    const tensor = out.logits ?? out[this.session.outputNames[0]!];
    if (!tensor || tensor.type !== "float32") throw new InvalidModelError("model output is not float32 logits");
    const labels = tensor.dims.length > 1 ? Number(tensor.dims[tensor.dims.length - 1]) : 1;
    return { logits: tensor.data as Float32Array, labels };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
