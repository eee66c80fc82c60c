import { createRequire } from "node:module";
import type * as Ort from "onnxruntime-node";
import type { EncodedPair } from "./pair-encoder.js";
import { InvalidModelError } from "./errors.js";
import { splitIntoRuns, type RunOutput } from "./session.js";
import { RUN_OVERHEAD_TOKENS, runsCost } from "./batch-cuts.js";
import { resolveOnnxruntime } from "../util/optional-deps.js";

/** Longest a batch may hold this thread (expected, from the session's own measured speed). */
export const INLINE_MAX_MS = 10;

/**
 * A session on this thread (the HTTP thread), for a small batch while every replica is idle: a
 * lone request. Its costliest batch then runs here, without the two thread hand-overs (batch to
 * a worker, answer back) a replica's batch pays on the request's serial path: about 3% more pairs/s
 * for one client at 10 documents (docs/performance.md). The batch holds the event loop while it
 * runs, so the pool gives it only batches expected to take at most INLINE_MAX_MS, measured by
 * `warm`; until then it takes none. Same contract as CrossEncoderSession.run.
 */
export class InlineSession {
  private busy = false;
  private released = false;
  /** Per token of a batch's runs cost (runsCost), measured by warm(); until then no batch is small enough. */
  private msPerToken = Infinity;

  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly padId: number,
  ) {}

  /** The session of a model on this thread, on the runtime the replicas use; one intra-op thread. */
  static async create(modelPath: string, padId: number): Promise<InlineSession> {
    const ort = createRequire(import.meta.url)(resolveOnnxruntime().path) as typeof Ort;
    const session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    return new InlineSession(ort, session, padId);
  }

  /** Whether it may take `pairs` (sorted by length) now: idle, and expected within INLINE_MAX_MS. */
  takes(pairs: readonly EncodedPair[]): boolean {
    if (this.busy || this.released) return false;
    const within = (tokens: number) => tokens * this.msPerToken <= INLINE_MAX_MS;
    // Its tokens alone bound its runs cost from below: a batch over that needs no cut to refuse.
    return within(pairs.reduce((n, p) => n + p.ids.length, 0)) && within(cost(pairs));
  }

  /** Runs `pairs` twice (the first allocates) and measures the second: the speed `takes` relies on. */
  async warm(pairs: readonly EncodedPair[]): Promise<void> {
    await this.run(pairs);
    const began = performance.now();
    await this.run(pairs);
    this.msPerToken = (performance.now() - began) / cost(pairs);
  }

  async run(pairs: readonly EncodedPair[], signal?: AbortSignal): Promise<RunOutput | undefined> {
    this.busy = true;
    try {
      // Lets the caller hand the rest of its round to the replicas first, and a client's abort
      // that came meanwhile be seen, before this thread is held.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.released) throw new Error("session released");
      if (signal?.aborted) return undefined;
      const parts: Float32Array[] = [];
      let labels = 1;
      let paddedTokens = 0;
      for (const run of splitIntoRuns(pairs, this.padId)) {
        const all = { input_ids: run.ids, attention_mask: run.mask, token_type_ids: run.types };
        const feeds: Record<string, Ort.Tensor> = {};
        for (const name of this.session.inputNames) feeds[name] = new this.ort.Tensor("int64", all[name as keyof typeof all], run.dims);
        const out = await this.session.run(feeds);
        const tensor = out.logits ?? out[this.session.outputNames[0]!];
        if (!tensor || tensor.type !== "float32") throw new Error("model output is not float32 logits");
        parts.push(tensor.data as Float32Array);
        labels = tensor.dims.length > 1 ? Number(tensor.dims.at(-1)) : 1;
        paddedTokens += run.ids.length;
      }
      const logits = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((offset, p) => (logits.set(p, offset), offset + p.length), 0);
      return { logits, labels, paddedTokens };
    } catch (err) {
      throw new InvalidModelError(`inference failed: ${(err as Error).message}`, { cause: err });
    } finally {
      this.busy = false;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

/** What a batch costs to compute as its runs: padded tokens plus a run's overhead each. */
function cost(pairs: readonly EncodedPair[]): number {
  return runsCost(
    pairs.map((p) => p.ids.length),
    RUN_OVERHEAD_TOKENS,
  );
}
