import { availableParallelism } from "node:os";
import { InvalidModelError } from "./errors.js";
import type { EncodedPair } from "./pair-encoder.js";
import { hostFor, type HostMessage, type SessionHost } from "./session-host.js";
import { cutRuns, RUN_OVERHEAD_TOKENS } from "./batch-cuts.js";
import { resolveOnnxruntime, type OnnxruntimeInfo } from "../util/optional-deps.js";

const CROSS_ENCODER_INPUTS = ["input_ids", "attention_mask", "token_type_ids"];

/** Batches in flight at once are few (one running, one queued): flags are reused by id modulo this. */
const CANCEL_SLOTS = 64;

export interface RunOutput {
  logits: Float32Array;
  labels: number;
  /** Tokens the session computed, padding included (rows × length, summed over its runs). */
  paddedTokens: number;
}

interface Pending {
  resolve: (v: RunOutput | undefined) => void;
  reject: (err: Error) => void;
  /** performance.now() when it was handed over. */
  since: number;
  paddedTokens: number;
}

/**
 * An onnxruntime session for a cross-encoder, run apart from this thread (a worker thread, or a
 * child process: session-host.ts): padded int64 batches in, logits [batch, labels] out. Runs are
 * issued one at a time.
 */
export class CrossEncoderSession {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;
  private onReleased: (() => void) | undefined;
  private released = false;

  private constructor(
    private readonly host: SessionHost,
    readonly inputNames: readonly string[],
    private readonly padId: number,
    /** Set to 1 at (id % length) to skip batch id if it has not started (a host that shares memory). */
    private readonly cancel: Int32Array | undefined,
  ) {}

  static async create(modelPath: string, opts: { padId?: number; threads?: number } = {}): Promise<CrossEncoderSession> {
    const host = hostFor(resolveOnnxruntime());
    let session: CrossEncoderSession | undefined;
    let ready!: (names: string[]) => void;
    let failed!: (err: Error) => void;
    const loaded = new Promise<string[]>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    host.attach({
      onMessage: (msg) => {
        if (!session) {
          if (msg.ready) ready(msg.inputNames ?? []);
          else if (msg.fatal !== undefined) failed(new Error(msg.fatal));
        } else session.handle(msg);
      },
      onFailure: (err) => (session ? session.fail(err) : failed(err)),
    });
    const cancel = host.sharesMemory ? new Int32Array(new SharedArrayBuffer(CANCEL_SLOTS * Int32Array.BYTES_PER_ELEMENT)) : undefined;
    host.post({
      op: "create",
      modelPath,
      cancel: cancel?.buffer,
      threads: opts.threads ?? defaultIntraOpThreads(resolveOnnxruntime()),
      spin: process.env.RERANK_HARNESS_ORT_SPIN === "1",
    });
    let inputNames: string[];
    try {
      inputNames = await loaded;
    } catch (err) {
      await host.detach();
      throw new InvalidModelError(`cannot load ONNX model ${modelPath}: ${(err as Error).message}`);
    }
    session = new CrossEncoderSession(host, inputNames, opts.padId ?? 0, cancel);
    const unknown = inputNames.filter((n) => !CROSS_ENCODER_INPUTS.includes(n));
    if (!inputNames.includes("input_ids") || unknown.length > 0) {
      await session.release();
      throw new InvalidModelError(`${modelPath}: inputs ${inputNames.join(", ")} are not a cross-encoder's`);
    }
    return session;
  }

  /** Runs handed over and not yet answered (running or queued in the worker). */
  get queued(): number {
    return this.pending.size;
  }

  /** Whether its host has failed (a worker or session process that died) or it was released: it runs nothing more. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** When the oldest run not yet answered was handed over (Infinity if none): the sooner, the sooner it ends. */
  get busySince(): number {
    for (const p of this.pending.values()) return p.since; // a Map keeps insertion order: the first is the oldest
    return Infinity;
  }

  private handle(msg: HostMessage): void {
    if (msg.released) {
      this.onReleased?.();
      return;
    }
    const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id!);
    if (msg.skipped) p.resolve(undefined);
    else if (msg.error !== undefined || !msg.logits) p.reject(new InvalidModelError(`inference failed: ${msg.error}`));
    else p.resolve({ logits: msg.logits, labels: msg.dims && msg.dims.length > 1 ? Number(msg.dims.at(-1)) : 1, paddedTokens: p.paddedTokens });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.onReleased?.();
  }

  /**
   * Computes a batch as one or more session runs of pairs of about one length (cutRuns), each
   * padded to its longest pair (attention mask 0 on padding), and returns logits row-major in the
   * pairs' order. Batches queue in the worker in order; aborting `signal` before this one starts
   * skips it (undefined).
   */
  run(pairs: readonly EncodedPair[], signal?: AbortSignal): Promise<RunOutput | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.resolve(undefined); // skipped before it was handed over
    const runs = splitIntoRuns(pairs, this.padId);
    const id = this.nextId++;
    const flags = this.cancel;
    const slot = id % CANCEL_SLOTS;
    if (flags) Atomics.store(flags, slot, 0);
    // Only while unanswered: a flag's slot is reused CANCEL_SLOTS runs later.
    const cancel = () => {
      if (!this.pending.has(id)) return;
      if (flags) Atomics.store(flags, slot, 1);
      else this.host.post({ op: "cancel", id });
    };
    return new Promise((resolve, reject) => {
      const paddedTokens = runs.reduce((n, r) => n + r.ids.length, 0);
      this.pending.set(id, { resolve, reject, since: performance.now(), paddedTokens });
      this.host.post(
        { op: "run", id, runs },
        runs.flatMap((r) => [r.ids.buffer, r.mask.buffer, r.types.buffer]),
      );
      signal?.addEventListener("abort", cancel, { once: true });
    });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const workerAlive = !this.failure;
    this.failure = new Error("session released");
    if (workerAlive) {
      const released = new Promise<void>((r) => (this.onReleased = r));
      this.host.post({ op: "release" });
      await Promise.race([released, new Promise((r) => setTimeout(r, 2000).unref())]);
    }
    await this.host.detach();
  }
}

/** Intra-op threads when none are asked for: one per core. */
export function defaultIntraOpThreads(_ort: OnnxruntimeInfo): number {
  return availableParallelism();
}

/** A batch as session runs of pairs of about one length, each padded to its own longest. */
export function splitIntoRuns(pairs: readonly EncodedPair[], padId: number) {
  let start = 0;
  return cutRuns(
    pairs.map((p) => p.ids.length),
    RUN_OVERHEAD_TOKENS,
  ).map((end) => padBatch(pairs.slice(start, (start = end)), padId));
}

/** Int64 tensors for a batch, padded to its longest pair. */
export function padBatch(pairs: readonly EncodedPair[], padId: number) {
  const batch = pairs.length;
  const seq = Math.max(1, ...pairs.map((p) => p.ids.length));
  const ids = new BigInt64Array(batch * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * seq);
  const types = new BigInt64Array(batch * seq);
  pairs.forEach((p, row) => {
    const base = row * seq;
    for (let i = 0; i < p.ids.length; i++) {
      ids[base + i] = BigInt(p.ids[i]!);
      mask[base + i] = 1n;
      types[base + i] = BigInt(p.typeIds[i]!);
    }
  });
  return { ids, mask, types, dims: [batch, seq] };
}
