import { DeadlineExceededError, OverloadedError, RequestCancelledError, RerankerClosedError } from "./errors.js";
import type { EncodedPair } from "./pair-encoder.js";
import { ThroughputEstimator } from "./throughput.js";

export interface SchedulerOptions {
  /** Upper bound on batch × padded length per session run. */
  tokenBudget?: number;
  /** Requests waiting or running beyond which submit() sheds; a hard cap, default unbounded. */
  maxQueue?: number;
  /** Expected queueing time (s) beyond which submit() sheds; default unbounded. */
  maxQueueSeconds?: number;
  /** Learns the session's tokens/s; a caller may seed it (a warm-up run) before traffic comes. */
  estimator?: ThroughputEstimator;
  /** Seconds a request waits before it reaches submit() (the HTTP thread's own backlog). */
  hostWaitSeconds?: () => number;
  /** Called after every micro-batch (for metrics). */
  onBatch?: (pairs: number, paddedTokens: number) => void;
  /** Called with the number of pairs a cancelled request leaves uncomputed. */
  onCancelledPairs?: (pairs: number) => void;
  /** Called once per request with the seconds it waited before its first pair ran. */
  onQueueTime?: (seconds: number) => void;
}

export interface SubmitOptions {
  /** Aborting drops the request's pairs that have not started (its client has gone). */
  signal?: AbortSignal;
  /** Milliseconds from now after which the request is dropped with DeadlineExceededError. */
  deadlineMs?: number;
}

type RunFn = (pairs: readonly EncodedPair[]) => Promise<{ logits: Float32Array; labels: number }>;

interface Job {
  pairs: readonly EncodedPair[];
  out: Float32Array[];
  left: number;
  /** Tokens of the pairs not yet computed: this job's share of the backlog. */
  pendingTokens: number;
  /** Pairs handed to the session so far (computed or running). */
  startedPairs: number;
  submittedAt: number;
  settled: boolean;
  resolve: (rows: Float32Array[]) => void;
  fail: (err: Error) => void;
}

const tokensOf = (pairs: readonly EncodedPair[]) => pairs.reduce((n, p) => n + p.ids.length, 0);

/**
 * Runs pairs through one model, one micro-batch at a time. Each round takes every waiting job,
 * so concurrent requests share batches; pairs are sorted by length so a batch pads little, and
 * cut where batch × longest length would pass the token budget.
 *
 * Admission is by expected wait: the backlog in tokens over the measured tokens/s. A request
 * that would wait longer than `maxQueueSeconds` is refused at once, so those admitted are served
 * in bounded time instead of all waiting behind a deep queue. Work whose client has gone is
 * dropped before it reaches the session.
 */
export class BatchScheduler {
  private waiting: Job[] = [];
  private active = 0;
  private backlogTokens = 0;
  private running = false;
  private closed = false;
  private readonly tokenBudget: number;
  readonly estimator: ThroughputEstimator;

  constructor(
    private readonly run: RunFn,
    private readonly options: SchedulerOptions = {},
  ) {
    this.tokenBudget = options.tokenBudget ?? 8192;
    this.estimator = options.estimator ?? new ThroughputEstimator();
  }

  /** Requests queued or in progress. */
  get depth(): number {
    return this.active;
  }

  /** Tokens admitted and not yet computed. */
  get backlog(): number {
    return this.backlogTokens;
  }

  /**
   * Seconds a request arriving now would wait: the backlog at the measured rate, plus the wait
   * for the thread that admits it. Undefined while neither is known to be above zero.
   */
  get expectedQueueSeconds(): number | undefined {
    const model = this.estimator.secondsFor(this.backlogTokens);
    const host = this.options.hostWaitSeconds?.() ?? 0;
    if (model === undefined) return host > 0 ? host : undefined;
    return model + host;
  }

  /**
   * The reason a request of `tokens` would be refused now, or undefined if it would be admitted.
   * With tokens = 0 it is a cheap pre-check, before the request is even tokenized.
   */
  refusal(tokens = 0, deadlineMs?: number): OverloadedError | undefined {
    const wait = this.expectedQueueSeconds;
    const drain = (excess: number) => Math.max(1, Math.ceil(excess));
    if (this.options.maxQueue !== undefined && this.active >= this.options.maxQueue) {
      return new OverloadedError(
        "queue_full",
        drain(wait ?? 1),
        `The server is overloaded (${this.active} requests queued); retry later.`,
      );
    }
    const limit = this.options.maxQueueSeconds;
    if (wait !== undefined && limit !== undefined && wait > limit) {
      return new OverloadedError(
        "queue_time",
        drain(wait - limit),
        `The server is overloaded: a new request would wait about ${wait.toFixed(1)} s (limit ${limit} s); retry later.`,
      );
    }
    const own = this.estimator.secondsFor(tokens);
    if (deadlineMs !== undefined && wait !== undefined && own !== undefined && (wait + own) * 1000 > deadlineMs) {
      return new OverloadedError(
        "deadline",
        drain(wait),
        `The request cannot be computed within its deadline of ${deadlineMs} ms (about ${Math.round((wait + own) * 1000)} ms expected); retry later.`,
      );
    }
    return undefined;
  }

  /** Logit rows for each pair, in order. */
  submit(pairs: readonly EncodedPair[], options: SubmitOptions = {}): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new RerankerClosedError());
    if (options.signal?.aborted) return Promise.reject(new RequestCancelledError());
    const tokens = tokensOf(pairs);
    const refused = this.refusal(tokens, options.deadlineMs);
    if (refused) return Promise.reject(refused);
    if (pairs.length === 0) return Promise.resolve([]);

    return new Promise<Float32Array[]>((resolve, reject) => {
      const cleanup: Array<() => void> = [];
      const settle = (job: Job) => {
        job.settled = true;
        this.active -= 1;
        this.backlogTokens -= job.pendingTokens;
        job.pendingTokens = 0;
        for (const undo of cleanup) undo();
      };
      const job: Job = {
        pairs,
        out: new Array(pairs.length),
        left: pairs.length,
        pendingTokens: tokens,
        startedPairs: 0,
        submittedAt: performance.now(),
        settled: false,
        resolve: (rows) => {
          settle(job);
          resolve(rows);
        },
        fail: (err) => {
          settle(job);
          reject(err);
        },
      };
      const abandon = (err: Error) => {
        if (job.settled) return;
        this.options.onCancelledPairs?.(job.pairs.length - job.startedPairs);
        job.fail(err);
      };
      if (options.signal) {
        const onAbort = () => abandon(new RequestCancelledError());
        options.signal.addEventListener("abort", onAbort, { once: true });
        cleanup.push(() => options.signal!.removeEventListener("abort", onAbort));
      }
      if (options.deadlineMs !== undefined) {
        const timer = setTimeout(() => abandon(new DeadlineExceededError(options.deadlineMs!)), options.deadlineMs);
        timer.unref();
        cleanup.push(() => clearTimeout(timer));
      }
      this.active += 1;
      this.backlogTokens += tokens;
      this.waiting.push(job);
      if (!this.running) void this.drain();
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
        const jobs = this.waiting.filter((job) => !job.settled);
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
      // Pairs of settled jobs (cancelled, past their deadline, failed) never reach the session.
      const live = chunk.filter((c) => !c.job.settled);
      if (live.length === 0) continue;
      this.markStarted(live.map((c) => c.job));
      const tokens = tokensOf(live.map((c) => c.pair));
      const began = performance.now();
      try {
        const { logits, labels } = await this.run(live.map((c) => c.pair));
        this.estimator.observe(tokens, (performance.now() - began) / 1000);
        this.options.onBatch?.(live.length, live.length * live[live.length - 1]!.pair.ids.length);
        live.forEach((c, row) => {
          const job = c.job;
          if (job.settled) return; // abandoned while its batch ran
          job.out[c.index] = logits.slice(row * labels, (row + 1) * labels);
          job.pendingTokens -= c.pair.ids.length;
          this.backlogTokens -= c.pair.ids.length;
          if (--job.left === 0) job.resolve(job.out);
        });
      } catch (err) {
        for (const c of live) if (!c.job.settled) c.job.fail(err as Error);
      }
    }
  }

  /** `jobs` holds a job once per pair of the batch about to run. */
  private markStarted(jobs: Job[]): void {
    const now = performance.now();
    for (const job of jobs) {
      if (job.startedPairs === 0) this.options.onQueueTime?.((now - job.submittedAt) / 1000);
      job.startedPairs += 1;
    }
  }
}
