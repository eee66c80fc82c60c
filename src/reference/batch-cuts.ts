/**
 * Where to cut a round's pairs, sorted shortest first, into micro-batches. A batch pads to its
 * longest pair, its last, so its cost in tokens is its size × its last pair's length.
 *
 * The round gets as few batches as the token budget allows, rounded up to a whole number per
 * replica, and those batches are made as even as the order allows: the smallest cap on a batch's
 * padded tokens that needs no more batches than that. Cut greedily at the budget instead, a
 * 100-document request made one full batch and a small one, and one replica did most of the work
 * while the other idled; cut at half its tokens, a 10-document request made three batches, two of
 * them one after the other on one replica. Either way, the request's latency was that replica's.
 */
export function cutBatches(lengths: readonly number[], tokenBudget: number, replicas: number): number[] {
  const perRound = Math.max(1, replicas);
  const count = Math.ceil(greedyCuts(lengths, tokenBudget).length / perRound) * perRound;
  let [low, high] = [1, tokenBudget];
  while (low < high) {
    const cap = Math.floor((low + high) / 2);
    if (greedyCuts(lengths, cap).length <= count) high = cap;
    else low = cap + 1;
  }
  return greedyCuts(lengths, low);
}

/** Ends (exclusive) of batches filled in order while size × last length stays within `cap` (at least one pair each). */
export function greedyCuts(lengths: readonly number[], cap: number): number[] {
  const ends: number[] = [];
  let start = 0;
  while (start < lengths.length) {
    let end = start + 1;
    while (end < lengths.length && (end - start + 1) * lengths[end]! <= cap) end += 1;
    ends.push(end);
    start = end;
  }
  return ends;
}

/** A run of more pairs than this would save at most one run's overhead per that many pairs. */
const MAX_RUN_PAIRS = 128;

/**
 * Where to split one batch, in its order, into session runs that each pad to their own longest
 * pair: the split with the fewest padded tokens plus `runOverheadTokens` per run (a run's fixed
 * cost, in tokens' worth of compute). A batch's pairs come sorted by length, so a run holds pairs
 * of about one length. Returns the ends (exclusive) of the runs.
 */
export function cutRuns(lengths: readonly number[], runOverheadTokens: number): number[] {
  return cheapestRuns(lengths, runOverheadTokens).ends;
}

/** Padded tokens plus `runOverheadTokens` per run of a batch's cheapest split into runs (cutRuns). */
export function runsCost(lengths: readonly number[], runOverheadTokens: number): number {
  return cheapestRuns(lengths, runOverheadTokens).cost;
}

/** cutRuns' split and its cost, by dynamic programming over the batch's prefixes. */
function cheapestRuns(lengths: readonly number[], runOverheadTokens: number): { ends: number[]; cost: number } {
  const n = lengths.length;
  // best[j]: the cheapest split of the first j pairs; from[j]: where its last run starts.
  const best = [0];
  const from = [0];
  for (let j = 1; j <= n; j++) extendRuns(lengths, 0, j, best, runOverheadTokens, from);
  const ends: number[] = [];
  for (let j = n; j > 0; j = from[j]!) ends.unshift(j);
  return { ends, cost: best[n]! };
}

/**
 * One step of cheapestRuns' dynamic programming, for the batch of the pairs from `start`: sets
 * `best[size]`, the cheapest split into runs of its first `size` pairs, from `best[i]` for every
 * i < size, and `from[size]`, where that split's last run starts. Returns `best[size]`.
 */
function extendRuns(lengths: readonly number[], start: number, size: number, best: number[], runOverheadTokens: number, from?: number[]): number {
  let cheapest = Infinity;
  let lastRun = 0;
  let longest = 0;
  for (let i = size - 1; i >= Math.max(0, size - MAX_RUN_PAIRS); i--) {
    longest = Math.max(longest, lengths[start + i]!);
    const cost = best[i]! + runOverheadTokens + (size - i) * longest;
    if (cost < cheapest) {
      cheapest = cost;
      lastRun = i;
    }
  }
  best[size] = cheapest;
  if (from) from[size] = lastRun;
  return cheapest;
}

/**
 * A session run's fixed cost in tokens' worth of compute (about 0.1–0.2 ms on tiny-bert, at
 * 12–14 µs a token): a batch is split into runs that pad less where that saves more than this
 * per run (cutRuns), and a batch's cost is its runs' padded tokens plus this per run (runsCost).
 */
export const RUN_OVERHEAD_TOKENS = 16;

/** A batch of a round: the round's pairs [start, end), which are sorted shortest first. */
export interface BatchSpan {
  start: number;
  end: number;
}

/**
 * Rounds of at most this many pairs that make one batch per replica are cut by their runs' cost
 * (planBatches): a search on the thread that answers HTTP, about 20 µs for 10 pairs and 80 µs
 * for 64 on a 2-core EPYC.
 */
const MAX_BALANCED_PAIRS = 64;

/**
 * A round's batches (cutBatches) in the order to hand them over. A round of one batch per
 * replica (a request alone, or a few small ones) finishes when its slowest batch does, so there
 * each batch's cost is what its session computes (its runs, runsCost), not its padded tokens: the
 * cut with the smallest largest cost, the costliest batch handed over first (the later ones start
 * a hand-off later). On tiny-bert, 10-document requests from one client came back 3–7% sooner
 * than with the padded-token cut in arrival order (docs/performance.md).
 */
export function planBatches(lengths: readonly number[], tokenBudget: number, replicas: number): BatchSpan[] {
  const ends = cutBatches(lengths, tokenBudget, replicas);
  if (ends.length < 2 || ends.length > replicas || lengths.length > MAX_BALANCED_PAIRS) return spansOf(ends);
  const cost = (span: BatchSpan) => runsCost(lengths.slice(span.start, span.end), RUN_OVERHEAD_TOKENS);
  // Up to one batch per replica, even where the padded-token cut needed fewer (3 replicas, lengths
  // 3, 200, 200, 200: 3+200 | 200+200 by padding); the search starts from that cut's cost, which
  // its own batches meet.
  let [low, high] = [0, Math.max(...spansOf(ends).map(cost))];
  while (low < high) {
    const cap = Math.floor((low + high) / 2);
    if (cutByRunsCost(lengths, cap, tokenBudget).length <= replicas) high = cap;
    else low = cap + 1;
  }
  return spansOf(cutByRunsCost(lengths, low, tokenBudget))
    .map((span) => ({ span, cost: cost(span) }))
    .sort((a, b) => b.cost - a.cost)
    .map(({ span }) => span);
}

/** The spans of batches given by their ends (exclusive). */
function spansOf(ends: readonly number[]): BatchSpan[] {
  return ends.map((end, k) => ({ start: ends[k - 1] ?? 0, end }));
}

/**
 * Ends of batches filled in order while their runs' cost stays within `cap` and their padded
 * tokens within `tokenBudget` (at least one pair each). A batch's runs cost is grown a pair at a
 * time, a step of cheapestRuns' dynamic programming each (a step writes only the entry for the
 * batch's size, so one that overruns leaves nothing the next batch reads).
 */
function cutByRunsCost(lengths: readonly number[], cap: number, tokenBudget: number): number[] {
  const ends: number[] = [];
  const best: number[] = [0];
  let start = 0;
  while (start < lengths.length) {
    let end = start;
    for (;;) {
      const size = end - start + 1;
      const cost = extendRuns(lengths, start, size, best, RUN_OVERHEAD_TOKENS);
      // Sorted: the pair just added is the batch's longest.
      if (end > start && (cost > cap || size * lengths[end]! > tokenBudget)) break;
      end += 1;
      if (end === lengths.length) break;
    }
    ends.push(end);
    start = end;
  }
  return ends;
}
