import { clockMs } from "./clock.js";
import { encodeHistogram, newHistogram, recordMs, type Histogram } from "./histogram.js";
import { emptyErrorCounts, type ErrorClass, type ErrorCounts } from "./outcome.js";
import type { Completion } from "./sender.js";
import type { LiveCounts } from "./abort.js";

/** One second of a run, as a shard saw it (histogram encoded so shards can be merged). */
export interface ShardSecond {
  t: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  latency: string;
}

/** Everything one thread measured for one scenario; plain data, so it crosses thread boundaries. */
export interface ShardResult {
  sent: number;
  ok: number;
  dropped: number;
  errors: ErrorCounts;
  statusCounts: Record<string, number>;
  /** Successful responses that completed inside the measured window (warm-up requests included): throughput. */
  okInWindow: number;
  sampleErrors: Partial<Record<ErrorClass, string>>;
  histograms: { latency: string; service: string; lag: string };
  serverTimings: Record<string, string>;
  series: ShardSecond[];
  /** A mix: the same counts and latency per group (documents count), in group order. */
  groups?: ShardGroup[];
  /** --abort-on-fail stopped the shard: requests it left in flight (counted nowhere else). */
  abandoned?: number;
}

/** A group's counts (a mix's documents count): the same in a live recorder, a shard and a merged result. */
export interface GroupCounts {
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  okInWindow: number;
}

/** One group's share of a shard's measurements. */
export interface ShardGroup extends GroupCounts {
  latency: string;
}

/** A live view for progress lines: counts and the latency histogram so far (encoded). */
export interface ShardProgress {
  /** When the snapshot was taken (absolute clock ms): worker snapshots arrive up to a second late. */
  at: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  latency: string;
  /** Responses by HTTP status so far (remote write's `status` label). */
  statusCounts?: Record<string, number>;
}

interface Group extends GroupCounts {
  latency: Histogram;
}

interface Second {
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  latency?: Histogram;
}

/**
 * Records one scenario in one thread. A request counts as measured when its *intended* send
 * time falls in the window [start, end); latency is completion − intended (the user's view, free
 * of coordinated omission), service time is completion − actual send, and lag is actual −
 * intended (the generator's own lateness). Latency histograms hold successful requests only;
 * failures are counted by class.
 */
export class Recorder {
  readonly latency = newHistogram();
  readonly service = newHistogram();
  readonly lag = newHistogram();
  private readonly serverTimings = new Map<string, Histogram>();
  private readonly seconds = new Map<number, Second>();
  sent = 0;
  ok = 0;
  dropped = 0;
  okInWindow = 0;
  readonly errors = emptyErrorCounts();
  private errorTotal = 0;
  private readonly statusCounts: Record<string, number> = {};
  private readonly sampleErrors: Partial<Record<ErrorClass, string>> = {};
  private readonly groups: Group[];
  /** Requests on the wire (warm-up included) by id, with their intended send time, oldest first. */
  private readonly onWire = new Map<number, number>();
  abandoned: number | undefined;

  constructor(
    readonly windowStart: number,
    readonly windowEnd: number,
    /** A mix's group count (0: not a mix); methods take the request's group, -1 for none. */
    groupCount = 0,
  ) {
    this.groups = Array.from({ length: groupCount }, () => ({ sent: 0, ok: 0, errors: 0, dropped: 0, okInWindow: 0, latency: newHistogram() }));
  }

  isMeasured(intendedAbs: number): boolean {
    return intendedAbs >= this.windowStart && intendedAbs < this.windowEnd;
  }

  onDropped(intendedAbs: number, group = -1): void {
    if (!this.isMeasured(intendedAbs)) return;
    this.dropped++;
    if (group >= 0) this.groups[group]!.dropped++;
    this.second(intendedAbs).dropped++;
  }

  onSent(intendedAbs: number, group = -1): void {
    if (!this.isMeasured(intendedAbs)) return;
    this.sent++;
    if (group >= 0) this.groups[group]!.sent++;
    this.second(intendedAbs).sent++;
  }

  onComplete(intendedAbs: number, sentAbs: number, doneAbs: number, c: Completion, group = -1): void {
    const g = group >= 0 ? this.groups[group] : undefined;
    if (c.errorClass === undefined && doneAbs >= this.windowStart && doneAbs < this.windowEnd) {
      this.okInWindow++;
      if (g) g.okInWindow++;
    }
    if (!this.isMeasured(intendedAbs)) return;
    if (g) {
      if (c.errorClass !== undefined) g.errors++;
      else {
        g.ok++;
        recordMs(g.latency, doneAbs - intendedAbs);
      }
    }
    if (c.status !== undefined) this.statusCounts[c.status] = (this.statusCounts[c.status] ?? 0) + 1;
    const second = this.second(doneAbs);
    if (c.errorClass !== undefined) {
      this.errors[c.errorClass]++;
      this.errorTotal++;
      second.errors++;
      if (c.error && this.sampleErrors[c.errorClass] === undefined) this.sampleErrors[c.errorClass] = c.error;
      return;
    }
    this.ok++;
    second.ok++;
    recordMs(this.latency, doneAbs - intendedAbs);
    recordMs(this.service, doneAbs - sentAbs);
    recordMs(this.lag, Math.max(0, sentAbs - intendedAbs));
    recordMs((second.latency ??= newHistogram(2)), doneAbs - intendedAbs);
    if (c.serverTimings) {
      for (const [name, ms] of c.serverTimings) {
        let h = this.serverTimings.get(name);
        if (!h) this.serverTimings.set(name, (h = newHistogram()));
        recordMs(h, ms);
      }
    }
  }

  /** A request went out (open loop, any phase): the over-saturation watch follows the queue. */
  onWireStart(id: number, intendedAbs: number): void {
    this.onWire.set(id, intendedAbs);
  }

  onWireEnd(id: number): void {
    this.onWire.delete(id);
  }

  /** The counts --abort-on-fail watches (cheap: no histogram). */
  live(): LiveCounts {
    const oldest = this.onWire.values().next();
    return {
      at: clockMs(),
      sent: this.sent,
      errors: this.errorTotal,
      dropped: this.dropped,
      okInWindow: this.okInWindow,
      inflight: this.onWire.size,
      oldestDueAt: oldest.done ? null : oldest.value,
    };
  }

  progress(): ShardProgress {
    return {
      at: clockMs(),
      sent: this.sent,
      ok: this.ok,
      errors: this.errorTotal,
      dropped: this.dropped,
      latency: encodeHistogram(this.latency),
      statusCounts: { ...this.statusCounts },
    };
  }

  result(): ShardResult {
    return {
      sent: this.sent,
      ok: this.ok,
      dropped: this.dropped,
      errors: { ...this.errors },
      statusCounts: { ...this.statusCounts },
      okInWindow: this.okInWindow,
      sampleErrors: { ...this.sampleErrors },
      histograms: { latency: encodeHistogram(this.latency), service: encodeHistogram(this.service), lag: encodeHistogram(this.lag) },
      serverTimings: Object.fromEntries([...this.serverTimings].map(([name, h]) => [name, encodeHistogram(h)])),
      series: [...this.seconds]
        .sort((a, b) => a[0] - b[0])
        .map(([t, s]) => ({ t, sent: s.sent, ok: s.ok, errors: s.errors, dropped: s.dropped, latency: s.latency ? encodeHistogram(s.latency) : "" })),
      ...(this.groups.length > 0 ? { groups: this.groups.map((g) => ({ ...g, latency: encodeHistogram(g.latency) })) } : {}),
      ...(this.abandoned !== undefined ? { abandoned: this.abandoned } : {}),
    };
  }

  private second(tAbs: number): Second {
    const t = Math.floor((tAbs - this.windowStart) / 1000);
    let s = this.seconds.get(t);
    if (!s) this.seconds.set(t, (s = { sent: 0, ok: 0, errors: 0, dropped: 0 }));
    return s;
  }
}
