import { DeadlineExceededError, OverloadedError, RequestCancelledError, RerankerClosedError } from "./errors.js";
import type { EncodedPair } from "./pair-encoder.js";
import { ThroughputEstimator } from "./throughput.js";
import { planBatches } from "./batch-cuts.js";

/**
 * Padded tokens per batch (pairs × longest pair) by default. Past a few thousand tokens a session
 * run costs more per token, not less: on tiny-bert a 16 × 128 batch costs 13–16 µs a token, a
 * 64 × 128 one 16–19 (docs/performance.md, "Batch size"), so rounds are cut into batches of this.
 */
export const DEFAULT_TOKEN_BUDGET = 2048;

export interface SchedulerOptions {
  /** Upper bound on pairs × longest pair per batch (default DEFAULT_TOKEN_BUDGET). */
  tokenBudget?: number;
  /**
   * Batches the run function computes side by side (session replicas; default 1). Each gets the
   * next batch queued behind its running one, and a round too small to fill them all is cut into
   * that many batches, so one request alone still keeps every replica busy.
   */
  parallelism?: number;
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

/**
 * Runs one batch. Batches are handed over in order, the next while the previous runs; aborting
 * `signal` before a batch starts may skip it (undefined: nothing computed).
 */
type RunFn = (pairs: readonly EncodedPair[], signal?: AbortSignal) => Promise<{ logits: Float32Array; labels: number; paddedTokens?: number } | undefined>;

/** A batch handed to the session and not yet answered. */
interface InFlight {
  /** The requests it holds pairs of: once all are settled it is skipped if it has not started. */
  jobs: Set<Job>;
  abort: AbortController;
  /** Settles once its answer has been handled (never rejects). */
  done: Promise<void>;
}

/** Batches per replica at once: one running and the next queued behind it, so it never waits for this thread. */
const SESSION_DEPTH = 2;

/**
 * A request's pairs before they are tokenized. Admission and the backlog see only an estimate of
 * their tokens: tokenizing waits until the request is about to run, so a request refused, or
 * abandoned while it waits, costs next to nothing.
 */
export interface PairSource {
  /** Number of pairs. */
  readonly count: number;
  /** Expected tokens of all pairs (special tokens included, after truncation). */
  readonly estimatedTokens: number;
  /** Tokenizes all pairs (`count` of them); called at most once. A throw fails the request alone. */
  encode(): readonly EncodedPair[] | Promise<readonly EncodedPair[]>;
}

interface Job {
  source: PairSource;
  /** Set once tokenized. */
  pairs?: readonly EncodedPair[];
  out: Float32Array[];
  left: number;
  /** Tokens of the pairs not yet computed (estimated until tokenized): this job's share of the backlog. */
  pendingTokens: number;
  /** Pairs handed to the session so far (computed or running). */
  startedPairs: number;
  submittedAt: number;
  settled: boolean;
  resolve: (rows: Float32Array[]) => void;
  fail: (err: Error) => void;
}

const tokensOf = (pairs: readonly EncodedPair[]) => pairs.reduce((n, p) => n + p.ids.length, 0);

/** Lets pending I/O (disconnects, new arrivals) in between two requests' tokenizing. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs pairs through one model in micro-batches, keeping the next batch queued in the session
 * behind the running one. Each round takes the waiting requests in arrival order, about one token
 * budget's worth and at most half of those waiting (at least one request), tokenizes them, sorts
 * their pairs by length so a batch pads little, and cuts batches where batch × longest length
 * would pass the token budget; small concurrent requests share batches.
 *
 * Admission is by expected wait: the backlog in tokens (estimated until tokenized) over the
 * measured tokens/s. A request that would wait longer than `maxQueueSeconds` is refused at once,
 * so those admitted are served in bounded time instead of all waiting behind a deep queue. Work
 * whose client has gone is dropped before it is tokenized, and before it runs in the session.
 */
export class BatchScheduler {
  private waiting: Job[] = [];
  private inFlight: InFlight[] = [];
  /** Set while the drain waits for either a batch to end or a new request. */
  private wake: (() => void) | undefined;
  private active = 0;
  private backlogTokens = 0;
  private running = false;
  private closed = false;
  /** When the last batch ended, or work began after a pause: the rate counts the time between. */
  private busySince = 0;
  private readonly tokenBudget: number;
  private readonly parallelism: number;
  readonly estimator: ThroughputEstimator;

  constructor(
    private readonly run: RunFn,
    private readonly options: SchedulerOptions = {},
  ) {
    this.tokenBudget = options.tokenBudget ?? DEFAULT_TOKEN_BUDGET;
    this.parallelism = Math.max(1, options.parallelism ?? 1);
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
      return new OverloadedError("queue_full", drain(wait ?? 1), `The server is overloaded (${this.active} requests queued); retry later.`);
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

  /** Logit rows for each pair, in order (pairs already tokenized). */
  submit(pairs: readonly EncodedPair[], options: SubmitOptions = {}): Promise<Float32Array[]> {
    return this.submitSource({ count: pairs.length, estimatedTokens: tokensOf(pairs), encode: () => pairs }, options);
  }

  /** Logit rows for each pair, in order; the pairs are tokenized only when their turn comes. */
  submitSource(source: PairSource, options: SubmitOptions = {}): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new RerankerClosedError());
    if (options.signal?.aborted) return Promise.reject(new RequestCancelledError());
    const tokens = source.estimatedTokens;
    const refused = this.refusal(tokens, options.deadlineMs);
    if (refused) return Promise.reject(refused);
    if (source.count === 0) return Promise.resolve([]);

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
        source,
        out: new Array(source.count),
        left: source.count,
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
          // A batch queued in the session whose requests have all failed or gone is skipped unless it started.
          for (const b of this.inFlight) if (b.jobs.has(job) && [...b.jobs].every((j) => j.settled)) b.abort.abort();
        },
      };
      const abandon = (err: Error) => {
        if (job.settled) return;
        this.options.onCancelledPairs?.(job.source.count - job.startedPairs);
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
      else this.wake?.();
    });
  }

  /** Refuses new work; resolves once queued work is done. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Runs rounds until none is waiting and the session is idle. The session always has the next
   * batch queued behind the running one when there is one to give (SESSION_DEPTH), so it never
   * idles while this thread answers a request, parses one or tokenizes. The next round is
   * tokenized while the current one's last batch runs (and handed over as soon as it is), so a
   * request is tokenized only about one batch before its turn.
   */
  private async drain(): Promise<void> {
    this.running = true;
    this.busySince = performance.now();
    try {
      let prefetched: Promise<Job[]> | undefined;
      for (;;) {
        let jobs = prefetched ? await prefetched : [];
        prefetched = undefined;
        if (jobs.length === 0) {
          // Checked and left in one synchronous step: submit() starts a new drain only after this one stops.
          const taken = this.nextRound();
          if (taken.length === 0) {
            if (this.inFlight.length === 0) break;
            // The session is busy: wait for a batch to end or a request to come, whichever is first.
            await new Promise<void>((resolve) => {
              this.wake = resolve;
              void this.batchEnded().then(resolve);
            });
            this.wake = undefined;
            continue;
          }
          jobs = await this.encodeRound(taken);
        }
        await this.runRound(jobs, () => {
          prefetched ??= this.lastBatchRunning().then(() => this.encodeRound(this.nextRound()));
        });
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Resolves when any batch in flight has been answered: with replicas, a later batch on another
   * replica may end before the oldest, and its replica should not wait for the oldest to get work.
   */
  private batchEnded(): Promise<void> {
    return Promise.race(this.inFlight.map((b) => b.done));
  }

  /** Resolves once no batch waits in a replica's queue (the last ones handed over are running). */
  private async lastBatchRunning(): Promise<void> {
    while (this.inFlight.length > this.parallelism) await this.batchEnded();
  }

  /**
   * The next requests to run, oldest first: about one token budget's worth, and at most half of
   * those waiting (at least one request). Taking all at once would put concurrent clients in
   * lockstep: all answered together, all back together, the session idle in between; in two
   * halves, one half's round trip overlaps the other's batches.
   */
  private nextRound(): Job[] {
    this.waiting = this.waiting.filter((job) => !job.settled);
    const most = Math.ceil(this.waiting.length / 2);
    let take = 0;
    let tokens = 0;
    while (take < most && (take === 0 || tokens < this.tokenBudget)) tokens += this.waiting[take++]!.pendingTokens;
    return this.waiting.splice(0, take);
  }

  /** Tokenizes the round's requests that still have a client; never rejects (a failure fails its request). */
  private async encodeRound(jobs: Job[]): Promise<Job[]> {
    for (const job of jobs) {
      if (job.settled) continue; // abandoned while it waited: never tokenized
      try {
        const pairs = await job.source.encode();
        if (pairs.length !== job.source.count) throw new Error(`encoded ${pairs.length} pairs of ${job.source.count}`);
        if (!job.settled) {
          job.pairs = pairs;
          const actual = tokensOf(pairs);
          this.backlogTokens += actual - job.pendingTokens;
          job.pendingTokens = actual;
        }
      } catch (err) {
        if (!job.settled) job.fail(err as Error);
      }
      // Disconnects that came in meanwhile are seen before the next request is tokenized.
      await yieldToIo();
    }
    return jobs;
  }

  /**
   * Hands a tokenized round's live pairs to the session in micro-batches (planBatches: a round
   * under a budget per replica is shared out among them, the costliest batch first), at most
   * SESSION_DEPTH per replica at a time; `onLastBatch` is called once the last is handed over.
   * Answers are handled as they come; the promise resolves once every batch is handed over (not
   * answered).
   */
  private async runRound(jobs: Job[], onLastBatch: () => void): Promise<void> {
    const items = jobs.flatMap((job) => (job.settled || !job.pairs ? [] : job.pairs.map((pair, index) => ({ job, index, pair }))));
    items.sort((a, b) => a.pair.ids.length - b.pair.ids.length);
    const spans = planBatches(
      items.map((i) => i.pair.ids.length),
      this.tokenBudget,
      this.parallelism,
    );
    for (const [k, span] of spans.entries()) {
      const chunk = items.slice(span.start, span.end);
      while (this.inFlight.length >= SESSION_DEPTH * this.parallelism) await this.batchEnded();
      // Pairs of settled jobs (cancelled, past their deadline, failed) never reach the session.
      const live = chunk.filter((c) => !c.job.settled);
      if (live.length === 0) continue;
      this.markStarted(live.map((c) => c.job));
      this.handOver(live);
      if (k === spans.length - 1) onLastBatch();
    }
  }

  /** Gives one batch to the session and handles its answer when it comes. */
  private handOver(live: Array<{ job: Job; index: number; pair: EncodedPair }>): void {
    const tokens = tokensOf(live.map((c) => c.pair));
    const batch: InFlight = { jobs: new Set(live.map((c) => c.job)), abort: new AbortController(), done: Promise.resolve() };
    const answered = new Promise<Awaited<ReturnType<RunFn>>>((resolve) =>
      resolve(
        this.run(
          live.map((c) => c.pair),
          batch.abort.signal,
        ),
      ),
    );
    batch.done = answered
      .then((output) => {
        if (!output) {
          // Skipped before it started: every client of it had gone.
          this.options.onCancelledPairs?.(live.length);
          return;
        }
        const { logits, labels, paddedTokens } = output;
        // The rate is of the whole pipeline (tokenizing, waiting on it, inference): the time
        // since the previous batch ended, while there was work.
        const now = performance.now();
        this.estimator.observe(tokens, (now - this.busySince) / 1000);
        this.busySince = now;
        this.options.onBatch?.(live.length, paddedTokens ?? live.length * live[live.length - 1]!.pair.ids.length);
        live.forEach((c, row) => {
          const job = c.job;
          if (job.settled) return; // abandoned while its batch ran
          job.out[c.index] = logits.slice(row * labels, (row + 1) * labels);
          job.pendingTokens -= c.pair.ids.length;
          this.backlogTokens -= c.pair.ids.length;
          if (--job.left === 0) job.resolve(job.out);
        });
      })
      .catch((err: unknown) => {
        this.busySince = performance.now();
        for (const c of live) if (!c.job.settled) c.job.fail(err as Error);
      })
      .finally(() => {
        this.inFlight.splice(this.inFlight.indexOf(batch), 1);
      });
    this.inFlight.push(batch);
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
