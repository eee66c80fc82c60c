// @ts-nocheck
import * as hdr from "hdr-histogram-js";
import type { Histogram } from "hdr-histogram-js";

// Latencies are recorded in integer microseconds, losslessly (HdrHistogram, 3 significant
// digits: ±0.1% at any magnitude), and travel between threads and tools as HdrHistogram's
// standard compressed base64 so anything that speaks HdrHistogram can merge them.

export type { Histogram };

/** The summary every report prints, in milliseconds. */
export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** One point of a percentile distribution (for the "latency by percentile" chart). */
export interface PercentilePoint {
  percentile: number;
  latency_ms: number;
}

/** A histogram for whole-run latencies: microsecond values up to 1 h, growing on demand. */
export function newHistogram(significantDigits: 2 | 3 = 3): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: significantDigits, autoResize: true });
}

/** Records a duration given in milliseconds (fractions kept as microseconds; negatives as 0). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(0, Math.round(ms * 1000)));
}

/** The smallest recorded value, 0 included (minNonZeroValue alone would skip zeros). */
function minValue(h: Histogram): number {
  return h.getValueAtPercentile(0) === 0 ? 0 : h.minNonZeroValue;
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  const h = hdr.decodeFromCompressedBase64(base64);
  h.autoResize = true;
  return h;
}

/** Adds every encoded histogram into `into` (empty strings are skipped). */
export function mergeEncoded(into: Histogram, encoded: Iterable<string>): Histogram {
  for (const e of encoded) if (e) into.add(decodeHistogram(e));
  return into;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const usToMs = (us: number): number => round3(us / 1000);

export function summarise(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  return {
    min: usToMs(minValue(h)),
    mean: usToMs(h.mean),
    p50: usToMs(h.getValueAtPercentile(50)),
    p90: usToMs(h.getValueAtPercentile(90)),
    p95: usToMs(h.getValueAtPercentile(95)),
    p99: usToMs(h.getValueAtPercentile(99)),
    max: usToMs(h.maxValue),
  };
}

/** The percentiles the distribution chart plots: dense towards the tail, like HdrHistogram's own output. */
export const DISTRIBUTION_PERCENTILES = [
  0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100,
] as const;

export function percentileDistribution(h: Histogram): PercentilePoint[] {
  if (h.totalCount === 0) return [];
  return DISTRIBUTION_PERCENTILES.map((p) => ({
    percentile: p,
    latency_ms: usToMs(p === 0 ? minValue(h) : p === 100 ? h.maxValue : h.getValueAtPercentile(p)),
  }));
}

/** A percentile in milliseconds, 0 for an empty histogram. */
export function percentileMs(h: Histogram, p: number): number {
  return h.totalCount === 0 ? 0 : usToMs(h.getValueAtPercentile(p));
}
