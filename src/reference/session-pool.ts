import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { availableParallelism } from "node:os";
import type { EncodedPair } from "./pair-encoder.js";
import { InlineSession } from "./inline-session.js";
import { CrossEncoderSession, type RunOutput } from "./session.js";

/** Model memory all replicas together may take (each replica holds its own copy of the weights). */
const REPLICA_MEMORY_BYTES = 1024 * 1024 * 1024;

/** How a model's inference is spread over the cores: sessions that run side by side, and intra-op threads each. */
export interface SessionLayout {
  replicas: number;
  threads: number;
  /** Also a session on the calling (HTTP) thread, for a lone request's costliest batch (InlineSession). */
  inline?: true;
}

/**
 * The layout when none is asked for. A small model runs faster as one single-threaded session per
 * core, each on its own batch, than as one session whose operators are split across the cores:
 * tiny-bert on 2 cores gave 1.3× (one request split in two) to 1.5× (two requests) the pairs/s of
 * one session with 2 threads (docs/performance.md). Each replica holds its own copy of the
 * weights: one per core while all copies together stay within REPLICA_MEMORY_BYTES.
 */
export function defaultLayout(modelBytes: number, cores = availableParallelism()): SessionLayout {
  const fit = Math.floor(REPLICA_MEMORY_BYTES / Math.max(1, modelBytes));
  const replicas = Math.max(1, Math.min(cores, fit));
  return { replicas, threads: threadsEach(replicas, cores) };
}

/**
 * Whether a pool may add a session on this thread (InlineSession): its replicas are single-threaded
 * sessions side by side (a small model; with intra-op threads a batch would share their cores),
 * and one more copy of the weights fits the memory they may take.
 */
export function inlineFits(layout: SessionLayout, modelBytes: number): boolean {
  return layout.threads === 1 && layout.replicas > 1 && (layout.replicas + 1) * modelBytes <= REPLICA_MEMORY_BYTES;
}

/**
 * Replicas of one model's session, each in its own worker thread or process (session-host.ts); a
 * batch goes to the replica with the fewest runs queued. The scheduler keeps each replica's next
 * batch queued behind its running one, so with R replicas up to 2R batches are in flight.
 */
export class SessionPool {
  private constructor(
    private readonly sessions: CrossEncoderSession[],
    readonly layout: SessionLayout,
    private readonly inline: InlineSession | undefined,
  ) {}

  /**
   * `inline`: also a session on this thread for a lone request's costliest batch (InlineSession),
   * where the replicas are single-threaded and one more copy of the weights fits the memory they
   * may take. For a server; a library user's thread is never held unless they ask.
   */
  static async create(modelPath: string, opts: { padId?: number; replicas?: number; threads?: number; inline?: boolean } = {}): Promise<SessionPool> {
    const bytes = await weightBytes(modelPath);
    const replicas = opts.replicas ?? envReplicas() ?? defaultLayout(bytes).replicas;
    const threads = opts.threads ?? threadsEach(replicas);
    const padId = opts.padId ?? 0;
    const inline = opts.inline === true && inlineFits({ replicas, threads }, bytes);
    // Loaded side by side (each in its own host); if one fails, the others are released.
    const created = await Promise.allSettled([
      ...Array.from({ length: replicas }, () => CrossEncoderSession.create(modelPath, { padId, threads })),
      ...(inline ? [InlineSession.create(modelPath, padId)] : []),
    ]);
    const loaded = created.flatMap((c) => (c.status === "fulfilled" ? [c.value] : []));
    const failed = created.find((c) => c.status === "rejected");
    if (failed) {
      await Promise.all(loaded.map((s) => s.release()));
      throw failed.reason;
    }
    const sessions = loaded.filter((s): s is CrossEncoderSession => s instanceof CrossEncoderSession);
    return new SessionPool(
      sessions,
      { replicas, threads, ...(inline ? { inline: true } : {}) },
      loaded.find((s): s is InlineSession => s instanceof InlineSession),
    );
  }

  get replicas(): number {
    return this.sessions.length;
  }

  /**
   * Runs one batch on the replica with the fewest runs queued; of equals, the one whose running
   * batch was handed over first, which ends first. A replica whose host died (a session process
   * killed, say by the OOM killer) is passed over while any other lives: with nothing queued it
   * would otherwise look the idlest and fail every batch. While every replica is idle, a batch
   * small enough for the session on this thread runs there instead (InlineSession.takes): a lone
   * request's costliest batch, which the scheduler hands over first. See CrossEncoderSession.run.
   */
  run(pairs: readonly EncodedPair[], signal?: AbortSignal): Promise<RunOutput | undefined> {
    // Replicas idle first: under load that is false, and takes() is not weighed on every batch.
    if (this.inline && this.sessions.every((s) => s.queued === 0) && this.inline.takes(pairs)) return this.inline.run(pairs, signal);
    const live = this.sessions.filter((s) => !s.failed);
    const candidates = live.length > 0 ? live : this.sessions;
    const idlest = candidates.reduce((a, b) => (b.queued < a.queued || (b.queued === a.queued && b.busySince < a.busySince) ? b : a));
    return idlest.run(pairs, signal);
  }

  /** The same batch on every replica at once (warm-up and calibration). */
  async runOnEach(pairs: readonly EncodedPair[]): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.run(pairs)));
  }

  /** Warms the session on this thread, if any, and measures its speed; until then it takes no batch. */
  async warmInline(pairs: readonly EncodedPair[]): Promise<void> {
    await this.inline?.warm(pairs);
  }

  async release(): Promise<void> {
    await Promise.all([...this.sessions, ...(this.inline ? [this.inline] : [])].map((s) => s.release()));
  }
}

/** The cores shared among the replicas: intra-op threads for each. */
function threadsEach(replicas: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / replicas));
}

/**
 * Bytes of a model's weights: the graph file and its external-data files beside it
 * (`model.onnx_data`, `model.onnx.data`…), where large models keep their weights.
 */
export async function weightBytes(modelPath: string): Promise<number> {
  const dir = dirname(modelPath);
  const name = basename(modelPath);
  const files = (await readdir(dir).catch(() => [name])).filter((f) => f.startsWith(name));
  const sizes = await Promise.all(
    files.map((f) =>
      stat(join(dir, f)).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

/** RERANK_HARNESS_ORT_REPLICAS: a fixed number of replicas (benchmarks compare layouts with it). */
function envReplicas(): number | undefined {
  const value = Number(process.env.RERANK_HARNESS_ORT_REPLICAS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
