import { relevance } from "./activation.js";
import type { ModelFiles, ModelSourceOptions } from "./model-source.js";
import { openModel } from "./open-model.js";
import { PairEncoder } from "./pair-encoder.js";
import { BatchScheduler, DEFAULT_TOKEN_BUDGET, type SchedulerOptions, type SubmitOptions } from "./scheduler.js";
import type { SessionLayout, SessionPool } from "./session-pool.js";
import { ThroughputEstimator } from "./throughput.js";
import { TokenEstimate } from "./token-estimate.js";

export interface LoadRerankerOptions
  extends
    ModelSourceOptions,
    Pick<SchedulerOptions, "tokenBudget" | "maxQueue" | "maxQueueSeconds" | "hostWaitSeconds" | "onBatch" | "onCancelledPairs" | "onQueueTime"> {
  /** onnxruntime intra-op threads per replica (default: the cores over the replicas). */
  threads?: number;
  /** Sessions running side by side (default: see defaultLayout in session-pool.ts). */
  replicas?: number;
  /**
   * Also a session on this thread, for a lone request's costliest batch (InlineSession): it holds
   * this thread up to INLINE_MAX_MS while it runs. Off by default; `serve` turns it on.
   */
  inline?: boolean;
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
    private readonly session: SessionPool,
    private readonly scheduler: BatchScheduler,
    readonly tokenEstimate: TokenEstimate,
  ) {}

  static async load(spec: string, opts: LoadRerankerOptions = {}): Promise<Reranker> {
    const { files, encoder, session } = await openModel(spec, opts);
    // Admission by expected wait needs a rate before the first request: measure one full batch.
    const estimator = new ThroughputEstimator();
    const tokenEstimate = new TokenEstimate(encoder.maxLength, encoder.specialCount);
    await calibrate(session, encoder, opts.tokenBudget ?? DEFAULT_TOKEN_BUDGET, estimator, tokenEstimate);
    const scheduler = new BatchScheduler((pairs, signal) => session.run(pairs, signal), { ...opts, estimator, parallelism: session.replicas });
    return new Reranker(spec, files, encoder, session, scheduler, tokenEstimate);
  }

  get maxLength(): number {
    return this.encoder.maxLength;
  }

  /** Sessions running side by side, and intra-op threads each. */
  get layout(): SessionLayout {
    return this.session.layout;
  }

  /** Requests queued or running. */
  get queueDepth(): number {
    return this.scheduler.depth;
  }

  /** Seconds the admitted backlog takes at the measured rate. */
  get expectedQueueSeconds(): number | undefined {
    return this.scheduler.expectedQueueSeconds;
  }

  /** Why a request would be refused now (before even reading its pairs), or undefined. */
  refusal(deadlineMs?: number) {
    return this.scheduler.refusal(0, deadlineMs);
  }

  /**
   * Scores pairs. They are admitted on an estimate of their tokens and tokenized only when their
   * turn comes, so a request refused, cancelled or past its deadline is never tokenized. A pair
   * too long with `truncate: false` fails the request with InputTooLongError then.
   */
  async scorePairs(pairs: ReadonlyArray<readonly [string, string]>, opts: ScoreOptions = {}, submit: SubmitOptions = {}): Promise<ScoreResult> {
    const estimate = this.tokenEstimate;
    let tokens = 0;
    const rows = await this.scheduler.submitSource(
      {
        count: pairs.length,
        estimatedTokens: pairs.reduce((n, [q, d]) => n + estimate.pair(q.length + d.length, opts.maxLength), 0),
        encode: () => {
          const limit = Math.min(opts.maxLength ?? this.encoder.maxLength, this.encoder.maxLength);
          const encoded = pairs.map(([q, d]) => {
            const pair = this.encoder.encode(q, d, opts);
            if (pair.ids.length < limit) estimate.observe(q.length + d.length, pair.ids.length - this.encoder.specialCount);
            return pair;
          });
          tokens = encoded.reduce((n, p) => n + p.ids.length, 0);
          return encoded;
        },
      },
      submit,
    );
    const activation = opts.activation ?? true;
    return { scores: rows.map((row) => relevance(row, activation)), tokens };
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

/**
 * Runs one token-budget batch of mid-length pairs twice on every replica at once (the first run
 * allocates) and seeds the estimator with the second, and the characters-per-token estimate with
 * the same English text; then warms the session on this thread, if any (two more batches, on one
 * core). Costs a few batches' time at start-up.
 */
async function calibrate(session: SessionPool, encoder: PairEncoder, tokenBudget: number, estimator: ThroughputEstimator, tokenEstimate: TokenEstimate) {
  const query = "what does the fox do";
  const words = "the quick brown fox jumps over the lazy dog near the river bank ".repeat(12);
  const whole = encoder.encode(query, words, { truncate: true });
  if (whole.ids.length < encoder.maxLength) tokenEstimate.observe(query.length + words.length, whole.ids.length - encoder.specialCount);
  const pair = encoder.encode(query, words, { truncate: true, maxLength: Math.min(128, encoder.maxLength) });
  const batch = Array.from({ length: Math.max(1, Math.floor(tokenBudget / pair.ids.length)) }, () => pair);
  await session.runOnEach(batch);
  const began = performance.now();
  await session.runOnEach(batch);
  estimator.observe(session.replicas * batch.length * pair.ids.length, (performance.now() - began) / 1000);
  await session.warmInline(batch);
}

export function loadReranker(spec: string, opts?: LoadRerankerOptions): Promise<Reranker> {
  return Reranker.load(spec, opts);
}
