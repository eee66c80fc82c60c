/**
 * Where to cut a round's pairs, sorted shortest first, into micro-batches. A batch pads to its
 * longest pair, its last, so its cost in tokens is its size × its last pair's length.
 *
 * A round worth at least one token budget per replica is cut greedily at the budget: full batches
 * keep every replica busy. A smaller round is cut into at most one batch per replica, as even as
 * the order allows (the smallest cap on a batch's padded tokens that still needs no more batches
 * than replicas), so that one request alone runs on every replica at once and none gets a second
 * batch to run after its first: that second batch would be the request's whole latency over again.
 */
export function cutBatches(lengths: readonly number[], tokenBudget: number, replicas: number): number[] {
  const full = greedyCuts(lengths, tokenBudget);
  if (replicas <= 1 || full.length >= replicas) return full;
  let [low, high] = [1, tokenBudget];
  while (low < high) {
    const cap = Math.floor((low + high) / 2);
    if (greedyCuts(lengths, cap).length <= replicas) high = cap;
    else low = cap + 1;
  }
  return greedyCuts(lengths, low);
}

/** Ends (exclusive) of batches filled in order while size × last length stays within `cap` (at least one pair each). */
function greedyCuts(lengths: readonly number[], cap: number): number[] {
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
