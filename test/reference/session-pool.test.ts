// Sessions side by side: the default layout per runtime and model size, and a pool whose batches
// go to the idlest replica and come back the same as from one session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveModelFiles } from "../../src/reference/model-source.js";
import type { EncodedPair } from "../../src/reference/pair-encoder.js";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Worker } from "node:worker_threads";
import { join } from "node:path";
import { defaultLayout, inlineFits, SessionPool, weightBytes } from "../../src/reference/session-pool.js";
import { withOnnxruntime } from "./helpers.js";

const MB = 1024 * 1024;

describe("defaultLayout", () => {
  it("a small model: one single-threaded session per core", () => {
    expect(defaultLayout(20 * MB, 2)).toEqual({ replicas: 2, threads: 1 });
    expect(defaultLayout(20 * MB, 16)).toEqual({ replicas: 16, threads: 1 });
  });

  it("as many copies of the weights as fit in 1 GiB, the cores shared among them", () => {
    expect(defaultLayout(300 * MB, 16)).toEqual({ replicas: 3, threads: 5 });
    expect(defaultLayout(2048 * MB, 16)).toEqual({ replicas: 1, threads: 16 });
  });
});

describe("inlineFits", () => {
  it("only beside single-threaded replicas, with room for one more copy of the weights", () => {
    expect(inlineFits({ replicas: 2, threads: 1 }, 20 * MB)).toBe(true);
    expect(inlineFits({ replicas: 3, threads: 1 }, 300 * MB)).toBe(false); // a fourth copy passes 1 GiB
    expect(inlineFits({ replicas: 3, threads: 5 }, 20 * MB)).toBe(false); // its batch would share the replicas' cores
    expect(inlineFits({ replicas: 1, threads: 1 }, 20 * MB)).toBe(false); // nothing to save with one replica
  });
});

describe("weightBytes", () => {
  it("counts the graph and its external-data files, not the other variants beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rh-weights-"));
    writeFileSync(join(dir, "model.onnx"), Buffer.alloc(100));
    writeFileSync(join(dir, "model.onnx_data"), Buffer.alloc(5000));
    writeFileSync(join(dir, "model_quantized.onnx"), Buffer.alloc(700));
    expect(await weightBytes(join(dir, "model.onnx"))).toBe(5100);
    expect(await weightBytes(join(dir, "model_quantized.onnx"))).toBe(700);
  });
});

/** `n` pairs of `len` tokens of the tiny-bert vocabulary, the i-th with token 2000 + i. */
const batch = (n: number, len: number): EncodedPair[] =>
  Array.from({ length: n }, (_, i) => ({ ids: [101, ...new Array(len - 2).fill(2000 + i), 102], typeIds: new Array(len).fill(0) }));

describe.each(["peer", "bundled"] as const)("SessionPool of two replicas on the %s runtime", (runtime) => {
  let pool: SessionPool;
  beforeAll(async () => {
    const modelPath = (await resolveModelFiles("tiny-bert")).modelPath;
    pool = await withOnnxruntime(runtime, () => SessionPool.create(modelPath, { replicas: 2, threads: 1 }));
  }, 60_000);
  afterAll(() => pool?.release());

  it("runs two batches at once, one per replica, with the answers of one session", async () => {
    expect(pool.layout).toEqual({ replicas: 2, threads: 1 });
    const alone = (await pool.run(batch(3, 12)))!.logits;
    const [a, b] = await Promise.all([pool.run(batch(3, 12)), pool.run(batch(3, 12))]);
    expect(Array.from(a!.logits)).toEqual(Array.from(alone));
    expect(Array.from(b!.logits)).toEqual(Array.from(alone));
  });

  it("hands each batch to the replica with the fewest runs queued", async () => {
    const sessions = (pool as unknown as { sessions: Array<{ queued: number }> }).sessions;
    const runs = [pool.run(batch(32, 64)), pool.run(batch(32, 64))];
    expect(sessions.map((s) => s.queued)).toEqual([1, 1]);
    runs.push(pool.run(batch(1, 8)));
    expect(sessions.map((s) => s.queued).sort()).toEqual([1, 2]);
    await Promise.all(runs);
    expect(sessions.map((s) => s.queued)).toEqual([0, 0]);
  });

  it("of replicas with as many runs queued, picks the one whose running batch was handed over first", async () => {
    const sessions = (pool as unknown as { sessions: Array<{ queued: number }> }).sessions;
    await pool.run(batch(1, 8)); // first replica, answered
    const first = pool.run(batch(1, 8)); // the first replica again (both idle): answered at once
    const long = pool.run(batch(128, 128)); // the second replica, for a few hundred ms
    await first;
    const newer = pool.run(batch(1, 8)); // the first replica: it has none queued
    expect(sessions.map((s) => s.queued)).toEqual([1, 1]);
    // One queued on each: the second replica's run is the older, so it ends first.
    const next = pool.run(batch(1, 8));
    expect(sessions.map((s) => s.queued)).toEqual([1, 2]);
    await Promise.all([long, newer, next]);
  });
});

describe.each(["peer", "bundled"] as const)("SessionPool on the %s runtime, after a replica's host dies", (runtime) => {
  it("passes the dead replica over: every batch is computed by the live one", async () => {
    const modelPath = (await resolveModelFiles("tiny-bert")).modelPath;
    const pool = await withOnnxruntime(runtime, () => SessionPool.create(modelPath, { replicas: 2, threads: 1 }));
    try {
      const sessions = (pool as unknown as { sessions: Array<{ failed: boolean; host: { worker?: Worker; child?: ChildProcess } }> }).sessions;
      const host = sessions[0]!.host;
      // The way it happens: a worker thread that ends, a session process the OOM killer takes.
      if (host.worker) await host.worker.terminate();
      else host.child!.kill("SIGKILL");
      for (let i = 0; i < 50 && !sessions[0]!.failed; i++) await new Promise((r) => setTimeout(r, 20));
      expect(sessions.map((s) => s.failed)).toEqual([true, false]);
      const outputs = await Promise.all(Array.from({ length: 4 }, () => pool.run(batch(2, 12))));
      for (const out of outputs) expect(out?.logits).toHaveLength(2);
    } finally {
      await pool.release();
    }
  }, 60_000);
});

describe.each(["peer", "bundled"] as const)("SessionPool with a session on this thread, on the %s runtime", (runtime) => {
  let pool: SessionPool;
  let sessions: Array<{ queued: number }>;
  /** Whether a batch went to the session on this thread: handed over, no replica has one more queued. */
  const ranHere = <T>(run: () => Promise<T>) => {
    const queued = () => sessions.reduce((n, s) => n + s.queued, 0);
    const before = queued();
    const out = run();
    return { out, here: queued() === before };
  };
  beforeAll(async () => {
    const modelPath = (await resolveModelFiles("tiny-bert")).modelPath;
    pool = await withOnnxruntime(runtime, () => SessionPool.create(modelPath, { replicas: 2, threads: 1, inline: true }));
    sessions = (pool as unknown as { sessions: Array<{ queued: number }> }).sessions;
  }, 60_000);
  afterAll(() => pool?.release());

  it("takes no batch before it has measured its speed", async () => {
    const { out, here } = ranHere(() => pool.run(batch(3, 12)));
    expect(here).toBe(false);
    await out;
  });

  it("once warmed, runs a small batch while the replicas are idle, with their answers", async () => {
    await pool.warmInline(batch(16, 128));
    const long = pool.run(batch(64, 128)); // about 100 ms: too long for this thread, a replica's
    const fromReplica = await pool.run(batch(3, 12)); // a replica is busy: the other one's
    await long;
    const { out, here } = ranHere(() => pool.run(batch(3, 12)));
    expect(here).toBe(true);
    expect(Array.from((await out)!.logits)).toEqual(Array.from(fromReplica!.logits));
  });

  it("gives a replica the next batch while it runs one, and any batch while a replica is busy", async () => {
    const first = ranHere(() => pool.run(batch(3, 12)));
    const second = ranHere(() => pool.run(batch(3, 12)));
    expect([first.here, second.here]).toEqual([true, false]);
    await Promise.all([first.out, second.out]);
    const long = pool.run(batch(64, 128)); // too long for this thread: a replica's
    expect(sessions.map((s) => s.queued).sort()).toEqual([0, 1]);
    const { out, here } = ranHere(() => pool.run(batch(3, 12)));
    expect(here).toBe(false);
    await Promise.all([long, out]);
  });

  it("skips a batch whose clients left before it started", async () => {
    const abort = new AbortController();
    const { out, here } = ranHere(() => pool.run(batch(3, 12), abort.signal));
    abort.abort();
    expect(here).toBe(true);
    expect(await out).toBeUndefined();
  });
});
