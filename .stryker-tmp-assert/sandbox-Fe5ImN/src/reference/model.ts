// @ts-nocheck
import { readFile } from "node:fs/promises";
import { relevance } from "./activation.js";
import { InvalidModelError } from "./errors.js";
import { resolveModelFiles, type ModelFiles, type ModelSourceOptions } from "./model-source.js";
import { PairEncoder, type EncodedPair } from "./pair-encoder.js";
import { BatchScheduler } from "./scheduler.js";
import { CrossEncoderSession } from "./session.js";

export interface LoadRerankerOptions extends ModelSourceOptions {
  /** Max batch × padded-length tokens per session run (default 8192). */
  tokenBudget?: number;
  /** Requests in flight beyond which scoring sheds with QueueFullError (default unbounded). */
  maxQueue?: number;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
  onBatch?: (pairs: number, paddedTokens: number) => void;
}

export interface ScoreOptions {
  /** Sigmoid / softmax on the logits (default true); false gives raw logits. */
  activation?: boolean;
  /** Truncate over-long pairs (default true); false throws InputTooLongError. */
  truncate?: boolean;
  /** A lower per-request limit than the model's max length. */
  maxLength?: number;
}

export interface ScoreResult {
  /** One score per document (or pair), in input order. */
  scores: number[];
  /** Tokens of all pairs after truncation, special tokens included. */
  tokens: number;
}

/** A loaded cross-encoder: fixtures, local directories and hub repos all end up here. */
export class Reranker {
  private constructor(
    readonly spec: string,
    readonly files: ModelFiles,
    readonly encoder: PairEncoder,
    private readonly session: CrossEncoderSession,
    private readonly scheduler: BatchScheduler,
  ) {}

  static async load(spec: string, opts: LoadRerankerOptions = {}): Promise<Reranker> {
    const files = await resolveModelFiles(spec, opts);
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(await readFile(files.configPath, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new InvalidModelError(`${files.configPath}: ${(err as Error).message}`, { cause: err });
    }
    const encoder = await PairEncoder.load(files.tokenizerPath, files.tokenizerConfigPath, config);
    const padId = typeof config.pad_token_id === "number" ? config.pad_token_id : 0;
    const session = await CrossEncoderSession.create(files.modelPath, { padId, threads: opts.threads });
    const scheduler = new BatchScheduler((pairs) => session.run(pairs), opts);
    return new Reranker(spec, files, encoder, session, scheduler);
  }

  get maxLength(): number {
    return this.encoder.maxLength;
  }

  /** Requests queued or running. */
  get queueDepth(): number {
    return this.scheduler.depth;
  }

  /** True when a new request would be shed (the queue is at maxQueue). */
  get isFull(): boolean {
    return this.scheduler.isFull;
  }

  /** Tokenizes every pair up front, so bad input fails before it takes a place in the queue. */
  encode(pairs: ReadonlyArray<readonly [string, string]>, opts: ScoreOptions = {}): EncodedPair[] {
    return pairs.map(([q, d]) => this.encoder.encode(q, d, opts));
  }

  async scoreEncoded(encoded: EncodedPair[], opts: ScoreOptions = {}): Promise<ScoreResult> {
    const rows = await this.scheduler.submit(encoded);
    const activation = opts.activation ?? true;
    return {
      scores: rows.map((row) => relevance(row, activation)),
      tokens: encoded.reduce((n, p) => n + p.ids.length, 0),
    };
  }

  scorePairs(pairs: ReadonlyArray<readonly [string, string]>, opts: ScoreOptions = {}): Promise<ScoreResult> {
    try {
      return this.scoreEncoded(this.encode(pairs, opts), opts);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  score(query: string, documents: readonly string[], opts: ScoreOptions = {}): Promise<ScoreResult> {
    return this.scorePairs(
      documents.map((d) => [query, d] as const),
      opts,
    );
  }

  /** Finishes queued work, then frees the session. */
  async close(): Promise<void> {
    await this.scheduler.close();
    await this.session.release();
  }
}

export function loadReranker(spec: string, opts?: LoadRerankerOptions): Promise<Reranker> {
  return Reranker.load(spec, opts);
}
