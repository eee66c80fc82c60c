// A leaf: numbers as the verdict lines print them (abort rules and verdicts share it).

/**
 * A latency or rate as every report prints targets and the measurements held against them:
 * three significant digits, no padding zeros (50, 190, 47.5, 0.95), whole numbers from 1000.
 */
export function formatQuantity(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000 || x === 0) return x.toFixed(0);
  return String(Number(x.toPrecision(3)));
}
