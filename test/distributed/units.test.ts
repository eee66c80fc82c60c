import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { k6JsonVerdict } from "../../src/distributed/k6-json.js";
import { bucketBounds, bucketIndex, bucketsOf, NativeHistogram, nativeFromHdr, recordBuckets, schemaErrorPct } from "../../src/distributed/native-histogram.js";
import { decodeWriteRequest, encodeWriteRequest } from "../../src/distributed/remote-write/protocol.js";
import { newHistogram, recordMs } from "../../src/load/histogram.js";
import type { TargetsFile } from "../../src/load/targets.js";
import { runCli } from "../cli/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "rh-dist-units-"));
const TARGETS: TargetsFile = { source: "test", achieved_rate_tolerance: 0.5, scenarios: [{ docs: 10, rps: 10, p95_ms: 1_000 }] };

/** A seeded stream of latencies (ms) with a long tail. */
function latencies(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return Math.round((5 + 40 * u + (u > 0.9 ? 400 * (u - 0.9) * 10 : 0)) * 1000) / 1000;
  });
}

/** The value at HdrHistogram's rank for percentile p (the smallest value with at least p% at or below it). */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe("native histograms", () => {
  it("put each value in the bucket whose bounds hold it, and round-trip spans and deltas", () => {
    const h = new NativeHistogram(5);
    const values = [0.001, 0.0105, 0.0106, 0.2, 0.2, 3.5, 3.51];
    for (const v of values) {
      const [l, u] = bucketBounds(bucketIndex(v, 5), 5);
      expect(v).toBeGreaterThan(l);
      expect(v).toBeLessThanOrEqual(u * (1 + 1e-12));
      h.observe(v);
    }
    const proto = h.toProto();
    expect(proto.count).toBe(values.length);
    expect(bucketsOf(proto)).toEqual(h.buckets);
    expect(schemaErrorPct(5)).toBeCloseTo(1.083, 2);
    expect(schemaErrorPct(3)).toBeCloseTo(4.329, 2);
  });

  it("read back through an HdrHistogram give every percentile within the schema's bound", () => {
    const values = latencies(5_000, 7);
    const hdr = newHistogram();
    for (const v of values) recordMs(hdr, v);
    const native = nativeFromHdr(hdr).toProto();
    const back = newHistogram();
    recordBuckets(
      back,
      [...bucketsOf(native)].map(([i, count]) => {
        const [lower, upper] = bucketBounds(i, native.schema);
        return { lower, upper, count };
      }),
    );
    const bound = (schemaErrorPct(5) + 0.2) / 100;
    for (const p of [50, 90, 95, 99]) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(back.getValueAtPercentile(p) / 1000 - exact) / exact, `p${p}`).toBeLessThanOrEqual(bound);
    }
  });

  it("travel as remote write 1.0 (snappy protobuf) and decode to the same labels, samples and buckets", () => {
    const h = new NativeHistogram(5);
    [0.01, 0.02, 0.02].forEach((v) => h.observe(v));
    const body = encodeWriteRequest([
      { labels: { scenario: "docs_10", __name__: "k6_http_req_duration_seconds", testid: "t" }, timestampMs: 1_700_000_000_000, histogram: h.toProto() },
      { labels: { __name__: "k6_http_reqs_total", testid: "t", status: "200" }, timestampMs: 1_700_000_000_000, value: 3 },
    ]);
    const decoded = decodeWriteRequest(body);
    const [hist, reqs] = decoded.timeseries as Array<{
      labels: Array<{ name: string; value: string }>;
      samples: Array<{ value: number; timestamp: number }>;
      histograms: Array<{ countInt: number; schema: number; positiveSpans: Array<{ offset: number; length: number }>; positiveDeltas: number[] }>;
    }>;
    // Labels sorted by name, as the spec requires.
    expect(hist!.labels.map((l) => l.name)).toEqual(["__name__", "scenario", "testid"]);
    expect(hist!.histograms[0]!.countInt).toBe(3);
    expect(hist!.histograms[0]!.schema).toBe(5);
    expect(bucketsOf({ positiveSpans: hist!.histograms[0]!.positiveSpans, positiveDeltas: hist!.histograms[0]!.positiveDeltas })).toEqual(h.buckets);
    expect(reqs!.samples).toEqual([{ value: 3, timestamp: 1_700_000_000_000 }]);
  });
});

/** k6 `--out json` lines as k6 documents them: a Metric line, then Point lines. */
function k6Lines(values: number[], scenario: string, startMs: number, failures = 0): string {
  const lines = [
    JSON.stringify({
      type: "Metric",
      data: { name: "http_req_duration", type: "trend", contains: "time", thresholds: [], submetrics: null },
      metric: "http_req_duration",
    }),
  ];
  values.forEach((v, i) => {
    const time = new Date(startMs + i * 100).toISOString();
    const tags = {
      expected_response: "true",
      group: "",
      method: "POST",
      name: "http://127.0.0.1/v1/rerank",
      proto: "HTTP/1.1",
      scenario,
      status: "200",
      testid: "k6run",
      url: "http://127.0.0.1/v1/rerank",
    };
    lines.push(JSON.stringify({ metric: "http_reqs", type: "Point", data: { time, value: 1, tags } }));
    lines.push(JSON.stringify({ metric: "http_req_duration", type: "Point", data: { time, value: v, tags } }));
    lines.push(JSON.stringify({ metric: "rerank_valid", type: "Point", data: { time, value: 1, tags: { scenario, testid: "k6run" } } }));
  });
  for (let i = 0; i < failures; i++) {
    const tags = { expected_response: "false", scenario, status: "503", testid: "k6run" };
    const time = new Date(startMs + i * 100).toISOString();
    lines.push(JSON.stringify({ metric: "http_reqs", type: "Point", data: { time, value: 1, tags } }));
    lines.push(JSON.stringify({ metric: "http_req_duration", type: "Point", data: { time, value: 1, tags } }));
  }
  lines.push(
    JSON.stringify({
      metric: "dropped_iterations",
      type: "Point",
      data: { time: new Date(startMs).toISOString(), value: 2, tags: { scenario, testid: "k6run" } },
    }),
  );
  return `${lines.join("\n")}\n`;
}

describe("verdict --k6-json", () => {
  it("gives the same percentiles as a direct computation over every runner's samples, gzipped or not", async () => {
    const a = latencies(3_000, 1);
    const b = latencies(2_000, 2).map((v) => v * 3);
    const fileA = join(dir, "runner-a.json");
    const fileB = join(dir, "runner-b.json.gz");
    const start = Date.parse("2026-01-01T00:00:00Z");
    writeFileSync(fileA, k6Lines(a, "docs_10", start, 4));
    writeFileSync(fileB, gzipSync(k6Lines(b, "docs_10", start)));
    const report = await k6JsonVerdict({ files: [fileA, fileB], targets: TARGETS, targetsSource: "t", maxErrorRate: 0.01 });
    const s = report.scenarios[0]!;
    const all = [...a, ...b];
    for (const p of [50, 90, 95, 99] as const) {
      const exact = exactPercentile(all, p);
      expect(Math.abs(s.latency_ms[`p${p}` as "p50"] - exact) / exact, `p${p}`).toBeLessThanOrEqual(0.001 + 1e-9);
    }
    expect(s.sent).toBe(5_004);
    expect(s.ok).toBe(5_000);
    expect(s.errors).toBe(4);
    expect(s.errors_by_class.http_5xx).toBe(4);
    expect(s.dropped).toBe(4);
    expect(report.distributed).toMatchObject({ kind: "k6-json", runners: 2, percentile_error_pct: 0.1 });
    // 300 s of samples (3000 at 100 ms): 5000 successes over the union of the two spans.
    expect(s.achieved_rps).toBeCloseTo(5_000 / 299.9, 1);
  });

  it("exits 1 through the CLI when the merged p95 misses the target, 2 for files with no samples", async () => {
    const file = join(dir, "slow.json");
    writeFileSync(
      file,
      k6Lines(
        latencies(500, 3).map((v) => v * 100),
        "docs_10",
        Date.parse("2026-01-01T00:00:00Z"),
      ),
    );
    const slo = join(dir, "slo.json");
    writeFileSync(slo, JSON.stringify(TARGETS));
    const failed = await runCli(["verdict", "--k6-json", file, "--slo", slo]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/docs_10: p95 [\d.]+ ms > target 1000 ms/);
    const empty = join(dir, "empty.json");
    writeFileSync(empty, `${JSON.stringify({ type: "Metric", metric: "vus", data: {} })}\n`);
    const none = await runCli(["verdict", "--k6-json", empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no http_reqs or http_req_duration samples: nothing to judge/);
  }, 60_000);
});
