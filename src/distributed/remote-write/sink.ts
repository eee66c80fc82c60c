import { request } from "undici";
import { decodeHistogram, newHistogram, type Histogram } from "../../load/histogram.js";
import type { LiveScenario } from "../../load/options.js";
import type { RemoteWriteStats, ScenarioResult } from "../../load/report.js";
import { nativeFromHdr } from "../native-histogram.js";
import { encodeWriteRequest, REMOTE_WRITE_HEADERS, type SeriesPoint } from "./protocol.js";
import { METRIC } from "./metrics.js";

// `load --out prometheus-rw=URL`: streams each scenario's cumulative state (k6's metric names
// and labels) on an interval and once at its end. Each write carries the whole state so far, so
// a write that fails is superseded by the next one: nothing is retried, nothing piles up. Sends
// happen off the generator's hot path (the main thread's timer, never a shard's callbacks),
// through a bounded queue with a timeout, and the samples that never arrived are counted.

export interface RemoteWriteOptions {
  url: string;
  testid: string;
  /** The runner's name: the `instance` label. */
  instance: string;
  intervalMs: number;
  /** Per write; a slow endpoint costs at most this, off the hot path. */
  timeoutMs: number;
  /** Writes waiting behind the one in flight; past it the oldest is dropped and counted. */
  maxQueue: number;
  log: (line: string) => void;
}

/** One scenario's state so far (live) or in full (its final report). */
export interface ScenarioSnapshot {
  scenario: string;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  okInWindow: number;
  statusCounts: Record<string, number>;
  latency: Histogram;
  offeredRps: number | null;
  windowStartMs: number;
  windowS: number;
}

interface Write {
  body: Uint8Array;
  samples: number;
}

export class RemoteWriteSink {
  /** Per scenario: its state, or how to make it (live views are only decoded when a write goes out). */
  private readonly states = new Map<string, ScenarioSnapshot | (() => ScenarioSnapshot)>();
  private readonly finished = new Set<string>();
  private readonly queue: Write[] = [];
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTs = 0;
  private warned = false;
  /** CPU time spent building and encoding writes (ms): the streaming's own cost. */
  busyMs = 0;
  readonly stats: RemoteWriteStats;

  constructor(private readonly options: RemoteWriteOptions) {
    this.stats = { url: options.url, requests_ok: 0, requests_failed: 0, samples_sent: 0, samples_not_sent: 0 };
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  /** The latest live view of a running scenario (ignored once the scenario has finished). */
  live(scenario: string, snapshot: () => ScenarioSnapshot): void {
    if (!this.finished.has(scenario)) this.states.set(scenario, snapshot);
  }

  /** A finished scenario's exact figures, written at once. */
  finish(result: ScenarioResult): void {
    this.finished.add(result.name);
    this.states.set(result.name, snapshotOf(result));
    this.flush([result.name]);
  }

  /** Encodes the current state of `names` (default: every scenario) and queues it. */
  flush(names: Iterable<string> = this.states.keys()): void {
    // CPU time rather than wall time: on a busy machine the wall clock also counts other work.
    const c0 = process.cpuUsage();
    try {
      this.enqueue(names);
    } finally {
      const c = process.cpuUsage(c0);
      this.busyMs += (c.user + c.system) / 1000;
    }
    this.pump();
  }

  private enqueue(names: Iterable<string>): void {
    const now = Math.max(Date.now(), this.lastTs + 1);
    this.lastTs = now;
    const points = [...names].flatMap((n) => {
      const s = this.states.get(n);
      return s ? this.points(typeof s === "function" ? s() : s, now) : [];
    });
    if (points.length === 0) return;
    const write = { body: encodeWriteRequest(points), samples: points.length };
    this.queue.push(write);
    while (this.queue.length > this.options.maxQueue) this.stats.samples_not_sent += this.queue.shift()!.samples;
  }

  /** Stops the interval, writes the final state and waits for the queue, at most `deadlineMs`. */
  async close(deadlineMs = this.options.timeoutMs * 2): Promise<RemoteWriteStats> {
    if (this.timer) clearInterval(this.timer);
    this.flush();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
    const drained = (async () => {
      while (this.sending) await this.sending;
    })();
    await Promise.race([drained, deadline]);
    for (const w of this.queue.splice(0)) this.stats.samples_not_sent += w.samples;
    return { ...this.stats };
  }

  private pump(): void {
    if (this.sending || this.queue.length === 0) return;
    const write = this.queue.shift()!;
    this.sending = this.send(write).finally(() => {
      this.sending = undefined;
      this.pump();
    });
  }

  private async send(write: Write): Promise<void> {
    try {
      const res = await request(this.options.url, {
        method: "POST",
        headers: REMOTE_WRITE_HEADERS,
        body: write.body,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        this.stats.requests_ok++;
        this.stats.samples_sent += write.samples;
        return;
      }
      this.fail(write, `HTTP ${res.statusCode}${text ? `: ${text.trim().slice(0, 200)}` : ""}`);
    } catch (err) {
      this.fail(write, err instanceof Error ? (err.name === "TimeoutError" ? `no answer within ${this.options.timeoutMs} ms` : err.message) : String(err));
    }
  }

  private fail(write: Write, reason: string): void {
    this.stats.requests_failed++;
    this.stats.samples_not_sent += write.samples;
    this.stats.last_error = reason;
    if (!this.warned) {
      this.warned = true;
      this.options.log(`warning: remote write to ${this.options.url} failed (${reason}); the run goes on and counts the samples not sent`);
    }
  }

  private points(s: ScenarioSnapshot, ts: number): SeriesPoint[] {
    const base = { testid: this.options.testid, scenario: s.scenario, instance: this.options.instance };
    const point = (name: string, value: number, extra: Record<string, string> = {}): SeriesPoint => ({
      labels: { __name__: name, ...base, ...extra },
      timestampMs: ts,
      value,
    });
    const answered = s.ok + s.errors;
    const withStatus = Object.values(s.statusCounts).reduce((a, b) => a + b, 0);
    const statuses = { ...s.statusCounts, ...(answered > withStatus ? { "0": answered - withStatus } : {}) };
    return [
      { labels: { __name__: METRIC.duration, ...base, expected_response: "true" }, timestampMs: ts, histogram: nativeFromHdr(s.latency).toProto() },
      ...Object.entries(statuses).map(([status, n]) => point(METRIC.reqs, n, { status })),
      point(METRIC.failed, answered === 0 ? 0 : s.errors / answered),
      point(METRIC.dropped, s.dropped),
      point(METRIC.valid, answered === 0 ? 0 : s.ok / answered),
      point(METRIC.okInWindow, s.okInWindow),
      point(METRIC.windowStart, s.windowStartMs / 1000),
      point(METRIC.windowSeconds, s.windowS),
      ...(s.offeredRps !== null ? [point(METRIC.offered, s.offeredRps)] : []),
    ];
  }
}

function snapshotOf(r: ScenarioResult): ScenarioSnapshot {
  return {
    scenario: r.name,
    sent: r.sent,
    ok: r.ok,
    errors: r.errors,
    dropped: r.dropped,
    okInWindow: r.ok_in_window ?? Math.round(r.achieved_rps * r.duration_s),
    statusCounts: r.status_counts,
    latency: decodeHistogram(r.histograms.latency_us),
    offeredRps: r.offered_rps,
    windowStartMs: r.window ? Date.parse(r.window.start) : Date.now() - r.duration_s * 1000,
    windowS: r.duration_s,
  };
}

/** A running scenario's live view: its threads' latest progress, merged. */
export function snapshotFromProgress(live: LiveScenario): ScenarioSnapshot {
  const latency = newHistogram();
  let [sent, ok, errors, dropped] = [0, 0, 0, 0];
  const statusCounts: Record<string, number> = {};
  for (const p of live.progress) {
    sent += p.sent;
    ok += p.ok;
    errors += p.errors;
    dropped += p.dropped;
    if (p.latency) latency.add(decodeHistogram(p.latency));
    for (const [k, n] of Object.entries(p.statusCounts ?? {})) statusCounts[k] = (statusCounts[k] ?? 0) + n;
  }
  const elapsedS = Math.min(live.durationMs, Math.max(0, Date.now() - live.windowStartMs)) / 1000;
  // Live, completions inside the window are approximated by the successes so far; the final write is exact.
  return {
    scenario: live.scenario,
    sent,
    ok,
    errors,
    dropped,
    okInWindow: ok,
    statusCounts,
    latency,
    offeredRps: live.offeredRps,
    windowStartMs: live.windowStartMs,
    windowS: elapsedS,
  };
}
