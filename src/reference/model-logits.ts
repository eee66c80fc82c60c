import { relevance } from "./activation.js";
import type { ModelSourceOptions } from "./model-source.js";
import { openModel } from "./open-model.js";
import { PairEncoder, type EncodedPair } from "./pair-encoder.js";
import type { SessionPool } from "./session-pool.js";

/** How to feed the model: as its tokenizer says, or with one of the faults servers are known for. */
export interface LogitVariant {
  /** Every token_type_id 0 (segment A for the document too), as llama.cpp's BERT graph does. */
  zeroTokenTypes?: boolean;
  /** Truncate each pair to this many tokens (specials included), longest-first. */
  maxLength?: number;
}

/**
 * The model's own raw scores (logits, or l1 − l0 for two-label heads), straight from its ONNX
 * session with no scheduler: what `check --fidelity` compares a server against. Loaded the way
 * `--reference` loads a model (fixture name, local directory or Hugging Face repo id).
 */
export class ModelLogits {
  private constructor(
    readonly spec: string,
    readonly encoder: PairEncoder,
    private readonly session: SessionPool,
  ) {}

  static async load(spec: string, opts: ModelSourceOptions & { threads?: number } = {}): Promise<ModelLogits> {
    // One replica: the batches run one after another.
    const { encoder, session } = await openModel(spec, { ...opts, replicas: 1 });
    return new ModelLogits(spec, encoder, session);
  }

  get maxLength(): number {
    return this.encoder.maxLength;
  }

  /** Raw scores of (query, document) pairs, in order, in batches of `batch` pairs. */
  async logits(pairs: ReadonlyArray<readonly [string, string]>, variant: LogitVariant = {}, batch = 32): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < pairs.length; i += batch) {
      const encoded = pairs.slice(i, i + batch).map(([q, d]) => this.encode(q, d, variant));
      // Never aborted (no signal), so a run is never skipped.
      const { logits, labels } = (await this.session.run(encoded))!;
      for (let row = 0; row < encoded.length; row++) out.push(relevance(logits.subarray(row * labels, (row + 1) * labels), false));
    }
    return out;
  }

  private encode(query: string, document: string, variant: LogitVariant): EncodedPair {
    const pair = this.encoder.encode(query, document, { truncate: true, ...(variant.maxLength ? { maxLength: variant.maxLength } : {}) });
    return variant.zeroTokenTypes ? { ids: pair.ids, typeIds: pair.typeIds.map(() => 0) } : pair;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
