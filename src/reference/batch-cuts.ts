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
  const n = lengths.length;
  // best[j]: the cheapest split of the first j pairs; from[j]: where its last run starts.
  const best = new Array<number>(n + 1).fill(Infinity);
  const from = new Array<number>(n + 1).fill(0);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    let longest = 0;
    for (let i = j - 1; i >= Math.max(0, j - MAX_RUN_PAIRS); i--) {
      longest = Math.max(longest, lengths[i]!);
      const cost = best[i]! + runOverheadTokens + (j - i) * longest;
      if (cost < best[j]!) {
        best[j] = cost;
        from[j] = i;
      }
    }
  }
  const ends: number[] = [];
  for (let j = n; j > 0; j = from[j]!) ends.unshift(j);
  return ends;
}
