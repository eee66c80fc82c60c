import type { Histogram } from "../load/histogram.js";

// Prometheus native (sparse, exponential) histograms: bucket i of schema s holds values in
// (base^(i-1), base^i] with base = 2^(2^-s) (prometheus/model/histogram, v2.42). One is built from
// an HdrHistogram to stream latency, and read back into one to judge it.

/**
 * Schema 5: base 2^(1/32) ≈ 1.0219. A value stands for its bucket by 2·l·u/(l+u), which is within
 * (base − 1)/(base + 1) ≈ 1.08% of any value in (l, u]; with HdrHistogram's 0.1% on the way in,
 * a percentile read back is within 1.2% of the exact one. k6 uses schema 3 (bucket factor 1.1:
 * xk6-output-prometheus-remote pkg/remotewrite/trend.go), within 4.3% + 0.1%.
 */
export const LOAD_SCHEMA = 5;

export interface BucketSpan {
  offset: number;
  length: number;
}

/** The wire form (prompb.Histogram) with integer counts. */
export interface NativeHistogramProto {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
}

const base = (schema: number): number => 2 ** (2 ** -schema);

/** Largest relative error of a percentile read from buckets of this schema, in percent. */
export function schemaErrorPct(schema: number): number {
  const b = base(schema);
  return ((b - 1) / (b + 1)) * 100;
}

/** The index of the bucket that holds v > 0. */
export function bucketIndex(v: number, schema: number): number {
  return Math.ceil(Math.log2(v) * 2 ** schema);
}

/** The bucket's bounds (l, u]. */
export function bucketBounds(index: number, schema: number): [number, number] {
  const b = base(schema);
  return [b ** (index - 1), b ** index];
}

/** Buckets with their counts, as sparse maps keyed by index. */
export class NativeHistogram {
  readonly buckets = new Map<number, number>();
  count = 0;
  sum = 0;
  zeroCount = 0;
  constructor(
    readonly schema: number,
    readonly zeroThreshold = 0,
  ) {}

  observe(v: number, n = 1): void {
    this.count += n;
    this.sum += v * n;
    if (v <= this.zeroThreshold) {
      this.zeroCount += n;
      return;
    }
    const i = bucketIndex(v, this.schema);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
  }

  /** Spans and delta-encoded counts, as remote write carries them. */
  toProto(): NativeHistogramProto {
    const indexes = [...this.buckets.keys()].sort((a, b) => a - b);
    const spans: BucketSpan[] = [];
    const deltas: number[] = [];
    let prevIndex = 0;
    let prevCount = 0;
    for (const [k, i] of indexes.entries()) {
      const gap = k === 0 ? i : i - prevIndex - 1;
      if (k === 0 || gap > 0) spans.push({ offset: gap, length: 1 });
      else spans[spans.length - 1]!.length++;
      const c = this.buckets.get(i)!;
      deltas.push(c - prevCount);
      prevCount = c;
      prevIndex = i;
    }
    return {
      count: this.count,
      sum: this.sum,
      schema: this.schema,
      zeroThreshold: this.zeroThreshold,
      zeroCount: this.zeroCount,
      positiveSpans: spans,
      positiveDeltas: deltas,
    };
  }
}

/**
 * Seconds-valued native histogram of an HdrHistogram of microseconds. Each HdrHistogram bucket's
 * count goes to the native bucket of its (0.1%-close) value: no second sweep over raw samples.
 */
export function nativeFromHdr(h: Histogram, schema = LOAD_SCHEMA): NativeHistogram {
  const n = new NativeHistogram(schema);
  if (h.totalCount === 0) return n;
  forEachRecorded(h, (valueUs, count) => n.observe(valueUs / 1e6, count));
  return n;
}

/**
 * Calls fn(value, count) for every non-empty HdrHistogram bucket. The value is the one its
 * percentiles report (the bucket's highest equivalent value), so both read alike.
 */
function forEachRecorded(h: Histogram, fn: (value: number, count: number) => void): void {
  // hdr-histogram-js's recorded-values iterator costs ~15 ms for a few thousand buckets; a plain
  // pass over the counts array (its JS histograms keep one) is a fraction of that.
  const js = h as unknown as {
    _counts?: ArrayLike<number>;
    getCountAtIndex(i: number): number;
    valueFromIndex(i: number): number;
    highestEquivalentValue(v: number): number;
    countsArrayLength: number;
  };
  const counts = js._counts;
  const n = js.countsArrayLength;
  for (let i = 0; i < n; i++) {
    const c = counts ? counts[i]! : js.getCountAtIndex(i);
    if (c > 0) fn(js.highestEquivalentValue(js.valueFromIndex(i)), c);
  }
}

/** Decodes a wire histogram's spans and deltas into absolute bucket counts by index. */
export function bucketsOf(p: Pick<NativeHistogramProto, "positiveSpans" | "positiveDeltas">): Map<number, number> {
  const out = new Map<number, number>();
  let index = 0;
  let count = 0;
  let d = 0;
  for (const [k, span] of p.positiveSpans.entries()) {
    index += k === 0 ? span.offset : span.offset + 1;
    for (let j = 0; j < span.length; j++) {
      if (j > 0) index++;
      count += p.positiveDeltas[d++]!;
      out.set(index, count);
    }
  }
  return out;
}

/**
 * Records buckets (value bounds and counts, in seconds) into an HdrHistogram of microseconds at
 * each bucket's 2lu/(l+u) point, so percentiles come from the same code as `load`'s.
 */
export function recordBuckets(into: Histogram, buckets: Iterable<{ lower: number; upper: number; count: number }>): void {
  for (const { lower, upper, count } of buckets) {
    if (count <= 0) continue;
    const point = lower <= 0 ? upper / 2 : (2 * lower * upper) / (lower + upper);
    into.recordValueWithCount(Math.max(0, Math.round(point * 1e6)), Math.round(count));
  }
}
