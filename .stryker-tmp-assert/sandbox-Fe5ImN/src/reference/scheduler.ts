// @ts-nocheck
import { QueueFullError, RerankerClosedError } from "./errors.js";
import type { EncodedPair } from "./pair-encoder.js";

export interface SchedulerOptions {
  /** Upper bound on batch × padded length per session run. */
  tokenBudget?: number;
  /** Jobs waiting or running beyond which submit() sheds with QueueFullError; default unbounded. */
  maxQueue?: number;
  /** Called after every micro-batch (for metrics). */
  onBatch?: (pairs: number, paddedTokens: number) => void;
}

type RunFn = (pairs: readonly EncodedPair[]) => Promise<{ logits: Float32Array; labels: number }>;

interface Job {
  pairs: readonly EncodedPair[];
  out: Float32Array[];
  left: number;
  resolve: (rows: Float32Array[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Runs pairs through one model, one micro-batch at a time. Each round takes every waiting job,
 * so concurrent requests share batches; pairs are sorted by length so a batch pads little, and
 * cut where batch × longest length would pass the token budget.
 */
export class BatchScheduler {
  private waiting: Job[] = [];
  private active = 0;
  private running = false;
  private closed = false;
  private readonly tokenBudget: number;

  constructor(
    private readonly run: RunFn,
    private readonly options: SchedulerOptions = {},
  ) {
    this.tokenBudget = options.tokenBudget ?? 8192;
  }

  /** Requests queued or in progress. */
  get depth(): number {
    return this.active;
  }

  get isFull(): boolean {
    return this.options.maxQueue !== undefined && this.active >= this.options.maxQueue;
  }

  /** Logit rows for each pair, in order. */
  submit(pairs: readonly EncodedPair[]): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new RerankerClosedError());
    if (this.isFull) {
      return Promise.reject(new QueueFullError(this.active));
    }
    if (pairs.length === 0) return Promise.resolve([]);
    this.active += 1;
    return new Promise<Float32Array[]>((resolve, reject) => {
      this.waiting.push({ pairs, out: new Array(pairs.length), left: pairs.length, resolve, reject });
      if (!this.running) void this.drain();
    }).finally(() => {
      this.active -= 1;
    });
  }

  /** Refuses new work; resolves once queued work is done. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const jobs = this.waiting;
        this.waiting = [];
        await this.round(jobs);
      }
    } finally {
      this.running = false;
    }
  }

  private async round(jobs: Job[]): Promise<void> {
    const items = jobs.flatMap((job) => job.pairs.map((pair, index) => ({ job, index, pair })));
    items.sort((a, b) => a.pair.ids.length - b.pair.ids.length);
    let start = 0;
    while (start < items.length) {
      // Longest-last order means the batch's padded length is its last item's length.
      let end = start + 1;
      while (end < items.length && (end - start + 1) * items[end]!.pair.ids.length <= this.tokenBudget) end += 1;
      const chunk = items.slice(start, end);
      start = end;
      const live = chunk.filter((c) => c.job.left >= 0);
      if (live.length === 0) continue;
      try {
        const { logits, labels } = await this.run(live.map((c) => c.pair));
        this.options.onBatch?.(live.length, live.length * live[live.length - 1]!.pair.ids.length);
        live.forEach((c, row) => {
          c.job.out[c.index] = logits.slice(row * labels, (row + 1) * labels);
          if (--c.job.left === 0) c.job.resolve(c.job.out);
        });
      } catch (err) {
        for (const c of live) {
          if (c.job.left >= 0) {
            c.job.left = -1; // failed: skip its remaining pairs
            c.job.reject(err);
          }
        }
      }
    }
  }
}
