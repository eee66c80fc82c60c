/**
 * Turns one pair's logit row into a relevance score. One logit: sigmoid. Two or more: the
 * softmax probability of class 1 (the "relevant" class). Raw (activation off): the logit, or for
 * multi-class heads the log-odds l1 − l0, so sigmoid(raw) always equals the activated score.
 */
// @ts-nocheck

export function relevance(row: Float32Array, activation: boolean): number {
  if (row.length <= 1) {
    const logit = row[0] ?? 0;
    return activation ? sigmoid(logit) : logit;
  }
  if (!activation) return (row[1] ?? 0) - (row[0] ?? 0);
  const max = Math.max(...row);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return Math.exp((row[1] ?? 0) - max) / sum;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
