import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { availableParallelism } from "node:os";
import type { EncodedPair } from "./pair-encoder.js";
import { CrossEncoderSession, type RunOutput } from "./session.js";

/** Model memory all replicas together may take (each replica holds its own copy of the weights). */
const REPLICA_MEMORY_BYTES = 1024 * 1024 * 1024;

/** How a model's inference is spread over the cores: sessions that run side by side, and intra-op threads each. */
export interface SessionLayout {
  replicas: number;
  threads: number;
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
 * Replicas of one model's session, each in its own worker thread or process (session-host.ts); a
 * batch goes to the replica with the fewest runs queued. The scheduler keeps each replica's next
 * batch queued behind its running one, so with R replicas up to 2R batches are in flight.
 */
export class SessionPool {
  private constructor(
    private readonly sessions: CrossEncoderSession[],
    readonly layout: SessionLayout,
  ) {}

  static async create(modelPath: string, opts: { padId?: number; replicas?: number; threads?: number } = {}): Promise<SessionPool> {
    const replicas = opts.replicas ?? envReplicas() ?? defaultLayout(await weightBytes(modelPath)).replicas;
    const threads = opts.threads ?? threadsEach(replicas);
    // Loaded side by side (each in its own host); if one fails, the others are released.
    const created = await Promise.allSettled(
      Array.from({ length: replicas }, () => CrossEncoderSession.create(modelPath, { padId: opts.padId ?? 0, threads })),
    );
    const sessions = created.flatMap((c) => (c.status === "fulfilled" ? [c.value] : []));
    const failed = created.find((c) => c.status === "rejected");
    if (failed) {
      await Promise.all(sessions.map((s) => s.release()));
      throw failed.reason;
    }
    return new SessionPool(sessions, { replicas, threads });
  }

  get replicas(): number {
    return this.sessions.length;
  }

  /**
   * Runs one batch on the replica with the fewest runs queued; of equals, the one whose running
   * batch was handed over first, which ends first. A replica whose host died (a session process
   * killed, say by the OOM killer) is passed over while any other lives: with nothing queued it
   * would otherwise look the idlest and fail every batch. See CrossEncoderSession.run.
   */
  run(pairs: readonly EncodedPair[], signal?: AbortSignal): Promise<RunOutput | undefined> {
    const live = this.sessions.filter((s) => !s.failed);
    const candidates = live.length > 0 ? live : this.sessions;
    const idlest = candidates.reduce((a, b) => (b.queued < a.queued || (b.queued === a.queued && b.busySince < a.busySince) ? b : a));
    return idlest.run(pairs, signal);
  }

  /** The same batch on every replica at once (warm-up and calibration). */
  async runOnEach(pairs: readonly EncodedPair[]): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.run(pairs)));
  }

  async release(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
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
