import protobuf from "protobufjs";
import snappy from "snappyjs";
import type { NativeHistogramProto } from "../native-histogram.js";

// Prometheus remote write 1.0: a snappy-compressed (block format) protobuf WriteRequest, the
// messages of prometheus/prompb/types.proto and remote.proto as of v2.42 (native histograms are
// field 4 of TimeSeries there). Only what the harness sends is declared.

const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Histogram histograms = 4;
}
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3;
  sint32 schema = 4;
  double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8;
  repeated sint64 negative_deltas = 9;
  repeated double negative_counts = 10;
  repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12;
  repeated double positive_counts = 13;
  int32 reset_hint = 14;
  int64 timestamp = 15;
}
`;

const WriteRequest = protobuf.parse(PROTO, { keepCase: false }).root.lookupType("prometheus.WriteRequest");

/** One series point: a float sample or a native histogram, at a millisecond timestamp. */
export interface SeriesPoint {
  /** Label names and values; `__name__` is the metric name. Sorted on encoding, as the spec requires. */
  labels: Record<string, string>;
  timestampMs: number;
  value?: number;
  histogram?: NativeHistogramProto;
}

/** The body of one remote-write POST (snappy block-compressed protobuf). */
export function encodeWriteRequest(points: SeriesPoint[]): Uint8Array {
  const timeseries = points.map((p) => ({
    labels: Object.entries(p.labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value })),
    ...(p.value !== undefined ? { samples: [{ value: p.value, timestamp: p.timestampMs }] } : {}),
    ...(p.histogram
      ? {
          histograms: [
            {
              countInt: p.histogram.count,
              sum: p.histogram.sum,
              schema: p.histogram.schema,
              zeroThreshold: p.histogram.zeroThreshold,
              zeroCountInt: p.histogram.zeroCount,
              positiveSpans: p.histogram.positiveSpans,
              positiveDeltas: p.histogram.positiveDeltas,
              timestamp: p.timestampMs,
            },
          ],
        }
      : {}),
  }));
  // Plain objects in protobufjs field names: encode() takes them as they are (fromObject would copy).
  const bytes = WriteRequest.encode({ timeseries }).finish();
  return snappy.compress(bytes);
}

/** Decodes a body back (tests, and a fake receiver). */
export function decodeWriteRequest(body: Uint8Array): { timeseries: Array<Record<string, unknown>> } {
  return WriteRequest.toObject(WriteRequest.decode(snappy.uncompress(body)), { longs: Number, defaults: true }) as {
    timeseries: Array<Record<string, unknown>>;
  };
}

/** The headers remote write 1.0 requires. */
export const REMOTE_WRITE_HEADERS = {
  "content-type": "application/x-protobuf",
  "content-encoding": "snappy",
  "x-prometheus-remote-write-version": "0.1.0",
} as const;
