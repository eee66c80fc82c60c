import { describe, expect, it } from "vitest";
import { DeadlineExceededError, InputTooLongError, OverloadedError, RequestCancelledError } from "../../src/reference/errors.js";
import type { EncodedPair } from "../../src/reference/pair-encoder.js";
import { BatchScheduler } from "../../src/reference/scheduler.js";
import { ThroughputEstimator } from "../../src/reference/throughput.js";

/** `n` pairs of `len` tokens; the first id tags the request so runs can be traced. */
const pairs = (n: number, len = 10, tag = 0): EncodedPair[] =>
  Array.from({ length: n }, () => ({ ids: [tag, ...new Array(len - 1).fill(1)], typeIds: new Array(len).fill(0) }));

/**
 * A session stand-in that holds each run until released, recording what it computed. Like the
 * worker, it takes batches in order while one runs; a queued batch whose signal was aborted
 * before its start is skipped (undefined), not computed.
 */
function gatedSession() {
  const runs: EncodedPair[][] = [];
  const gates: Array<() => void> = [];
  const queue: Array<{ batch: EncodedPair[]; signal?: AbortSignal; resolve: (v: { logits: Float32Array; labels: number } | undefined) => void }> = [];
  let busy = false;
  const startNext = () => {
    while (!busy && queue.length > 0) {
      const next = queue.shift()!;
      if (next.signal?.aborted) {
        next.resolve(undefined);
        continue;
      }
      busy = true;
      runs.push(next.batch);
      gates.push(() => {
        busy = false;
        next.resolve({ logits: new Float32Array(next.batch.length).fill(1), labels: 1 });
        startNext();
      });
    }
  };
  const run = (batch: readonly EncodedPair[], signal?: AbortSignal) =>
    new Promise<{ logits: Float32Array; labels: number } | undefined>((resolve) => {
      queue.push({ batch: [...batch], signal, resolve });
      startNext();
    });
  const releaseOne = async () => {
    for (let i = 0; i < 50 && gates.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    gates.shift()?.();
    await new Promise((r) => setTimeout(r, 1));
  };
  /** Batches handed over and not yet started. */
  const queued = () => queue.length;
  return { run, runs, releaseOne, queued };
}

/** Replicas stand-in: every batch handed over is held (all side by side) until released, oldest first. */
function heldRuns() {
  const batches: EncodedPair[][] = [];
  const waiting: Array<() => void> = [];
  const run = (batch: readonly EncodedPair[]) =>
    new Promise<{ logits: Float32Array; labels: number }>((resolve) => {
      batches.push([...batch]);
      waiting.push(() => resolve({ logits: new Float32Array(batch.length).fill(1), labels: 1 }));
    });
  return {
    run,
    batches,
    releaseOne: () => waiting.shift()?.(),
    /** Releases the i-th batch still held (0: the oldest). */
    releaseAt: (i: number) => waiting.splice(i, 1)[0]?.(),
    releaseAll: () => waiting.splice(0).forEach((release) => release()),
    /** Releases every batch held, and those handed over meanwhile, until `done` settles. */
    releaseUntil: async (done: Promise<unknown>) => {
      let settled = false;
      void done.then(
        () => (settled = true),
        () => (settled = true),
      );
      while (!settled) {
        waiting.splice(0).forEach((release) => release());
        await new Promise((r) => setTimeout(r, 2));
      }
    },
  };
}

/** An estimator that believes the session computes `rate` tokens per second. */
const knownRate = (rate: number) => {
  const e = new ThroughputEstimator();
  e.observe(rate, 1);
  return e;
};

describe("ThroughputEstimator", () => {
  it("is undefined until observed, then the token-weighted rate of what it saw", () => {
    const e = new ThroughputEstimator();
    expect(e.tokensPerSecond).toBeUndefined();
    expect(e.secondsFor(100)).toBeUndefined();
    e.observe(1000, 0.5);
    expect(e.tokensPerSecond).toBeCloseTo(2000);
    expect(e.secondsFor(500)).toBeCloseTo(0.25);
    e.observe(0, 1); // nothing computed: ignored, not a zero rate
    expect(e.tokensPerSecond).toBeCloseTo(2000);
  });

  it("follows a tenfold drop of rate within eight half-lives of busy time", () => {
    const e = new ThroughputEstimator(1);
    e.observe(10_000, 1); // 10k tokens/s
    for (let i = 0; i < 80; i++) e.observe(100, 0.1); // then 1k tokens/s for 8 s (8 half-lives)
    expect(e.tokensPerSecond!).toBeGreaterThan(1000);
    expect(e.tokensPerSecond!).toBeLessThan(1100);
  });
});

describe("BatchScheduler admission by expected wait", () => {
  it("sheds with reason queue_time once the backlog would take longer than maxQueueSeconds, with Retry-After from the estimate", async () => {
    const session = gatedSession();
    // 1000 tokens/s, at most 1 s of queueing: ten 100-token requests fit, the eleventh does not.
    const scheduler = new BatchScheduler(session.run, { maxQueueSeconds: 1, estimator: knownRate(1000) });
    // The 11th sees 1000 backlog tokens = 1 s: not over the limit. The 12th sees 1.1 s.
    for (let i = 0; i < 11; i++) void scheduler.submit(pairs(10, 10)).catch(() => {});
    expect(scheduler.backlog).toBe(1100);
    const refused = await scheduler.submit(pairs(10, 10)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OverloadedError);
    expect((refused as OverloadedError).reason).toBe("queue_time");
    expect((refused as OverloadedError).retryAfterSeconds).toBe(1);
    expect(scheduler.refusal()?.reason).toBe("queue_time");
    expect(scheduler.depth).toBe(11);

    // A deeper backlog asks clients to come back later: ceil(5.1 s - 1 s) = 5.
    const deep = new BatchScheduler(gatedSession().run, { maxQueueSeconds: 1, estimator: knownRate(1000) });
    void deep.submit(pairs(51, 100)).catch(() => {});
    expect(deep.refusal()?.retryAfterSeconds).toBe(5);
  });

  it("admits again as the backlog drains", async () => {
    const session = gatedSession();
    const scheduler = new BatchScheduler(session.run, { maxQueueSeconds: 0.5, tokenBudget: 100, estimator: knownRate(1000) });
    const first = scheduler.submit(pairs(10, 10)); // 100 tokens = one batch
    const second = scheduler.submit(pairs(50, 10)); // 500 tokens: backlog 0.6 s after it
    expect(scheduler.refusal()?.reason).toBe("queue_time");
    await session.releaseOne();
    await first;
    expect(scheduler.backlog).toBe(500);
    for (let i = 0; i < 5; i++) await session.releaseOne();
    await second;
    expect(scheduler.backlog).toBe(0);
    expect(scheduler.refusal()).toBeUndefined();
  });

  it("keeps maxQueue as a hard cap whatever the estimate says", async () => {
    const scheduler = new BatchScheduler(gatedSession().run, { maxQueue: 2, maxQueueSeconds: 100, estimator: knownRate(1e9) });
    void scheduler.submit(pairs(1)).catch(() => {});
    void scheduler.submit(pairs(1)).catch(() => {});
    const refused = await scheduler.submit(pairs(1)).catch((e: unknown) => e);
    expect((refused as OverloadedError).reason).toBe("queue_full");
  });

  it("admits everything up to maxQueue while no rate is known", async () => {
    const scheduler = new BatchScheduler(gatedSession().run, { maxQueueSeconds: 0.001 });
    for (let i = 0; i < 5; i++) void scheduler.submit(pairs(100, 100)).catch(() => {});
    expect(scheduler.depth).toBe(5);
    expect(scheduler.refusal()).toBeUndefined();
  });

  it("learns the rate from the batches it runs", async () => {
    const run = async (batch: readonly EncodedPair[]) => {
      await new Promise((r) => setTimeout(r, 20));
      return { logits: new Float32Array(batch.length), labels: 1 };
    };
    const scheduler = new BatchScheduler(run, { tokenBudget: 1000 });
    await scheduler.submit(pairs(100, 10)); // 1000 tokens in ~20 ms
    const rate = scheduler.estimator.tokensPerSecond!;
    expect(rate).toBeGreaterThan(1000 / 0.2);
    expect(rate).toBeLessThanOrEqual(1000 / 0.019);
  });
});

describe("BatchScheduler cancellation and deadlines", () => {
  it("drops a cancelled request's queued pairs before inference and counts them", async () => {
    const session = gatedSession();
    let cancelled = 0;
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 50, onCancelledPairs: (n) => (cancelled += n) });
    const keep = scheduler.submit(pairs(5, 10, 1)); // one batch of 5
    const abort = new AbortController();
    const gone = scheduler.submit(pairs(20, 10, 2), { signal: abort.signal }).catch((e: unknown) => e);
    await session.releaseOne(); // the first round: request 1 alone
    await keep;
    // Request 2's round has started: its first batch of 5 pairs is running, its second queued behind it.
    expect(session.runs).toHaveLength(2);
    expect(session.queued()).toBe(1);
    abort.abort();
    expect(await gone).toBeInstanceOf(RequestCancelledError);
    expect(cancelled).toBe(10); // 20 pairs: 5 running, 5 queued in the session, 10 never handed over
    expect(scheduler.backlog).toBe(0);
    expect(scheduler.depth).toBe(0);
    await session.releaseOne();
    expect(cancelled).toBe(15); // the queued batch was skipped, not computed
    // No further batch ran for the abandoned request.
    await new Promise((r) => setTimeout(r, 10));
    expect(session.runs).toHaveLength(2);
    expect(session.runs.flat().filter((p) => p.ids[0] === 2)).toHaveLength(5);
  });

  it("never runs a micro-batch that holds only abandoned pairs, and runs the live pairs of a mixed one", async () => {
    const session = gatedSession();
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 1000 });
    const blocker = scheduler.submit(pairs(1, 10, 9));
    const abort = new AbortController();
    const gone = scheduler.submit(pairs(10, 10, 3), { signal: abort.signal }).catch((e: unknown) => e);
    const live = scheduler.submit(pairs(10, 10, 4));
    abort.abort(); // while still waiting for its round
    expect(await gone).toBeInstanceOf(RequestCancelledError);
    await session.releaseOne();
    await blocker;
    await session.releaseOne();
    await live;
    expect(session.runs).toHaveLength(2);
    expect(session.runs[1]!.map((p) => p.ids[0])).toEqual(new Array(10).fill(4));
  });

  it("a signal already aborted is refused without queueing", async () => {
    const scheduler = new BatchScheduler(gatedSession().run);
    const refused = await scheduler.submit(pairs(3), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RequestCancelledError);
    expect(scheduler.depth).toBe(0);
  });

  it("drops a request whose deadline passes while it waits", async () => {
    const session = gatedSession();
    let cancelled = 0;
    const scheduler = new BatchScheduler(session.run, { onCancelledPairs: (n) => (cancelled += n) });
    const blocker = scheduler.submit(pairs(1, 10, 9));
    const late = scheduler.submit(pairs(4, 10, 5), { deadlineMs: 20 }).catch((e: unknown) => e);
    expect(await late).toBeInstanceOf(DeadlineExceededError);
    await session.releaseOne();
    await blocker;
    expect(cancelled).toBe(4); // queued behind the blocker, then skipped
    await new Promise((r) => setTimeout(r, 10));
    expect(session.runs.flat().some((p) => p.ids[0] === 5)).toBe(false);
  });

  it("refuses at once a request that cannot finish within its deadline at the measured rate", async () => {
    const scheduler = new BatchScheduler(gatedSession().run, { estimator: knownRate(1000) });
    void scheduler.submit(pairs(10, 10)).catch(() => {}); // 0.1 s of backlog
    const refused = await scheduler.submit(pairs(10, 10), { deadlineMs: 150 }).catch((e: unknown) => e);
    expect((refused as OverloadedError).reason).toBe("deadline");
    // 0.1 s queue + 0.1 s own work fits a 250 ms deadline.
    void scheduler.submit(pairs(10, 10), { deadlineMs: 250 }).catch(() => {});
    expect(scheduler.depth).toBe(2);
  });

  it("records each request's queueing time once", async () => {
    const session = gatedSession();
    const waits: number[] = [];
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 20, onQueueTime: (s) => waits.push(s) });
    const a = scheduler.submit(pairs(4, 10));
    const b = scheduler.submit(pairs(2, 10));
    await new Promise((r) => setTimeout(r, 30));
    for (let i = 0; i < 3; i++) await session.releaseOne();
    await Promise.all([a, b]);
    expect(waits).toHaveLength(2);
    expect(waits[0]!).toBeLessThan(0.02);
    expect(waits[1]!).toBeGreaterThanOrEqual(0.025); // b waited for a's round
  });
});

describe("admission counts the HTTP thread's own backlog", () => {
  it("adds hostWaitSeconds to the expected wait, even before any rate is known", () => {
    let host = 0;
    const scheduler = new BatchScheduler(gatedSession().run, { maxQueueSeconds: 1, hostWaitSeconds: () => host });
    expect(scheduler.refusal()).toBeUndefined();
    host = 1.5;
    expect(scheduler.refusal()?.reason).toBe("queue_time");
    const measured = new BatchScheduler(gatedSession().run, { maxQueueSeconds: 1, estimator: knownRate(1000), hostWaitSeconds: () => 0.6 });
    void measured.submit(pairs(5, 10)).catch(() => {}); // 0.05 s of model backlog: 0.65 s in all
    expect(measured.refusal()).toBeUndefined();
    void measured.submit(pairs(50, 10)).catch(() => {}); // 0.55 s of model backlog: 1.15 s in all
    expect(measured.refusal()?.reason).toBe("queue_time");
  });

  it("LoopLag sees a blocked thread, and forgets it once the thread has caught up", async () => {
    const { LoopLag } = await import("../../src/reference/http/loop-lag.js");
    const lag = new LoopLag(20, 100);
    try {
      await new Promise((r) => setTimeout(r, 60));
      const blockedUntil = performance.now() + 300;
      while (performance.now() < blockedUntil); // a 300 ms turn
      expect(lag.seconds).toBeGreaterThanOrEqual(0.25); // seen while the turn still runs
      await new Promise((r) => setTimeout(r, 50));
      expect(lag.seconds).toBeGreaterThanOrEqual(0.2); // remembered after it
      await new Promise((r) => setTimeout(r, 1500));
      expect(lag.seconds).toBeLessThan(0.2); // from 0.3 s: decayed (timers on a busy machine still fire a little late)
    } finally {
      lag.stop();
    }
  });
});

/** A PairSource of `n` pairs of `len` tokens that records whether (and when) it was tokenized. */
const lazy = (n: number, len: number, tag: number, estimatedTokens = n * len) => {
  const source = {
    count: n,
    estimatedTokens,
    encoded: 0,
    encode: () => {
      source.encoded += 1;
      return pairs(n, len, tag);
    },
  };
  return source;
};

describe("BatchScheduler: admission on an estimate, tokenizing at the request's turn", () => {
  it("admits on the estimated tokens, then counts the real ones once tokenized", async () => {
    const session = gatedSession();
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 100, maxQueueSeconds: 1, estimator: knownRate(1000) });
    const first = lazy(10, 10, 1); // 100 tokens: runs at once
    const second = lazy(10, 10, 2, 950); // overestimated: 950 expected, 100 real
    const a = scheduler.submitSource(first);
    const b = scheduler.submitSource(second);
    expect(first.encoded).toBe(1);
    expect(second.encoded).toBe(0); // not its turn yet
    expect(scheduler.backlog).toBe(1050);
    expect(scheduler.refusal()?.reason).toBe("queue_time"); // 1.05 s expected
    await session.releaseOne();
    await a;
    expect(second.encoded).toBe(1);
    expect(scheduler.backlog).toBe(100); // the real tokens replaced the estimate
    expect(scheduler.refusal()).toBeUndefined();
    await session.releaseOne();
    expect(await b).toHaveLength(10);
    expect(scheduler.backlog).toBe(0);
  });

  it("never tokenizes, nor runs, a request abandoned before its turn", async () => {
    const session = gatedSession();
    let cancelled = 0;
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 100, onCancelledPairs: (n) => (cancelled += n) });
    const blocker = lazy(10, 10, 1);
    const next = lazy(5, 10, 2, 50);
    const gone = lazy(10, 10, 3);
    const late = lazy(10, 10, 4);
    const abort = new AbortController();
    // Taken in the same round as `next` (a budget's worth), but its client leaves while `next` is tokenized.
    const third = lazy(5, 10, 5, 50);
    const leaves = new AbortController();
    const encodeNext = next.encode;
    next.encode = () => {
      leaves.abort();
      return encodeNext();
    };
    const running = scheduler.submitSource(blocker);
    const queued = scheduler.submitSource(next);
    const left = scheduler.submitSource(third, { signal: leaves.signal }).catch((e: unknown) => e);
    const dropped = scheduler.submitSource(gone, { signal: abort.signal }).catch((e: unknown) => e);
    const expired = scheduler.submitSource(late, { deadlineMs: 5 }).catch((e: unknown) => e);
    abort.abort();
    expect(await dropped).toBeInstanceOf(RequestCancelledError);
    expect(await expired).toBeInstanceOf(DeadlineExceededError);
    for (let i = 0; i < 2; i++) await session.releaseOne();
    await Promise.all([running, queued]);
    expect(await left).toBeInstanceOf(RequestCancelledError);
    expect([blocker.encoded, next.encoded, third.encoded, gone.encoded, late.encoded]).toEqual([1, 1, 0, 0, 0]);
    const ran = session.runs.flat().map((p) => p.ids[0]);
    for (const tag of [3, 4, 5]) expect(ran).not.toContain(tag);
    expect(cancelled).toBe(25);
    expect(scheduler.backlog).toBe(0);
    expect(scheduler.depth).toBe(0);
  });

  it("tokenizes the next round while the current one's last batch runs, and no further ahead", async () => {
    const session = gatedSession();
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 100 });
    const sources = [lazy(20, 10, 1), lazy(10, 10, 2), lazy(10, 10, 3)]; // request 1: two batches
    const done = sources.map((s) => scheduler.submitSource(s));
    await new Promise((r) => setTimeout(r, 5));
    expect(session.runs).toHaveLength(1);
    expect(sources.map((s) => s.encoded)).toEqual([1, 0, 0]);
    await session.releaseOne();
    // Request 1's last batch runs; request 2 is tokenized meanwhile; request 3 waits untokenized.
    expect(session.runs).toHaveLength(2);
    expect(sources.map((s) => s.encoded)).toEqual([1, 1, 0]);
    for (let i = 0; i < 3; i++) await session.releaseOne();
    await Promise.all(done);
    expect(sources.map((s) => s.encoded)).toEqual([1, 1, 1]);
  });

  it("keeps the next batch queued in the session behind the running one, never more", async () => {
    const session = gatedSession();
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 50 });
    const done = scheduler.submit(pairs(20, 10, 1)); // four batches of 5
    await new Promise((r) => setTimeout(r, 5));
    expect([session.runs.length, session.queued()]).toEqual([1, 1]);
    await session.releaseOne();
    // The queued batch started the moment the first ended; the third is queued behind it.
    expect([session.runs.length, session.queued()]).toEqual([2, 1]);
    for (let i = 0; i < 3; i++) await session.releaseOne();
    expect(await done).toHaveLength(20);
    expect(session.runs).toHaveLength(4);
  });

  it("splits requests that wait together into two rounds, so their clients do not move in lockstep", async () => {
    const session = gatedSession();
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 1000 });
    const blocker = scheduler.submit(pairs(1, 10, 9));
    const all = [1, 2, 3, 4].map((tag) => scheduler.submit(pairs(5, 10, tag)));
    await session.releaseOne();
    await blocker;
    // Four small requests fit one batch, but a round takes at most half of those waiting: the
    // first round's answers (and their clients' next requests) overlap the later batches.
    for (let i = 0; i < 3; i++) await session.releaseOne();
    await Promise.all(all);
    const tags = session.runs.slice(1).map((run) => [...new Set(run.map((p) => p.ids[0]))].sort());
    expect(tags).toEqual([[1, 2], [3], [4]]);
  });

  it("with two replicas, cuts one request under the budget into two batches that run side by side", async () => {
    const held = heldRuns();
    const scheduler = new BatchScheduler(held.run, { tokenBudget: 1000, parallelism: 2 });
    const done = scheduler.submit(pairs(10, 10, 1));
    await new Promise((r) => setTimeout(r, 5));
    expect(held.batches.map((b) => b.length)).toEqual([5, 5]);
    held.releaseAll();
    expect(await done).toHaveLength(10);
  });

  it("with two replicas, hands the costlier batch of a request over first", async () => {
    const held = heldRuns();
    const scheduler = new BatchScheduler(held.run, { tokenBudget: 2048, parallelism: 2 });
    // Six short pairs and two long ones: the batch of long ones costs more and starts first.
    const request = [...pairs(6, 20, 1), ...pairs(2, 130, 2)].reverse();
    const done = scheduler.submit(request);
    await new Promise((r) => setTimeout(r, 5));
    expect(held.batches.map((b) => b.map((p) => p.ids.length))).toEqual([
      [130, 130],
      [20, 20, 20, 20, 20, 20],
    ]);
    held.releaseAll();
    expect(await done).toHaveLength(8);
  });

  it("with two replicas, keeps two batches per replica handed over, never more", async () => {
    const held = heldRuns();
    const scheduler = new BatchScheduler(held.run, { tokenBudget: 50, parallelism: 2 });
    const done = scheduler.submit(pairs(40, 10, 1)); // eight batches of 5
    await new Promise((r) => setTimeout(r, 5));
    expect(held.batches).toHaveLength(4);
    held.releaseOne();
    await new Promise((r) => setTimeout(r, 5));
    expect(held.batches).toHaveLength(5);
    await held.releaseUntil(done);
    expect(await done).toHaveLength(40);
    expect(held.batches.map((b) => b.length)).toEqual(new Array(8).fill(5));
  });

  it("with two replicas, hands the next batch over when any batch ends, not only the oldest", async () => {
    const held = heldRuns();
    const scheduler = new BatchScheduler(held.run, { tokenBudget: 50, parallelism: 2 });
    const done = scheduler.submit(pairs(40, 10, 1));
    await new Promise((r) => setTimeout(r, 5));
    expect(held.batches).toHaveLength(4);
    held.releaseAt(1); // the other replica's batch ends first
    await new Promise((r) => setTimeout(r, 5));
    expect(held.batches).toHaveLength(5);
    await held.releaseUntil(done);
    expect(await done).toHaveLength(40);
  });

  it("a request whose tokenizing throws fails alone; the others are served", async () => {
    const session = gatedSession();
    const scheduler = new BatchScheduler(session.run, { tokenBudget: 1000 });
    const blocker = scheduler.submit(pairs(1, 10, 9));
    const bad = scheduler
      .submitSource({
        count: 2,
        estimatedTokens: 20,
        encode: () => {
          throw new InputTooLongError(512, 900);
        },
      })
      .catch((e: unknown) => e);
    const good = scheduler.submitSource(lazy(2, 10, 5));
    await session.releaseOne();
    await blocker;
    expect(await bad).toBeInstanceOf(InputTooLongError);
    await session.releaseOne();
    expect(await good).toHaveLength(2);
    expect(scheduler.backlog).toBe(0);
    expect(scheduler.depth).toBe(0);
  });
});
