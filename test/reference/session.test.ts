// The inference host's queue: the scheduler keeps the next batch queued behind the running one,
// and a queued batch whose signal is aborted before it starts is skipped there. On 1.30 the host
// is a worker thread (cancel flags in shared memory); on the bundled 1.17 a child process (cancel
// messages).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveModelFiles } from "../../src/reference/model-source.js";
import type { EncodedPair } from "../../src/reference/pair-encoder.js";
import { CrossEncoderSession } from "../../src/reference/session.js";
import { withOnnxruntime } from "./helpers.js";

/** `n` pairs of `len` tokens of the tiny-bert vocabulary. */
const batch = (n: number, len: number): EncodedPair[] =>
  Array.from({ length: n }, () => ({ ids: [101, ...new Array(len - 2).fill(2000), 102], typeIds: new Array(len).fill(0) }));

describe.each([
  ["peer", "a worker thread"],
  ["bundled", "a child process"],
] as const)("CrossEncoderSession on the %s runtime: runs queued in %s", (runtime, _host) => {
  let session: CrossEncoderSession;
  beforeAll(async () => {
    const modelPath = (await resolveModelFiles("tiny-bert")).modelPath;
    session = await withOnnxruntime(runtime, () => CrossEncoderSession.create(modelPath));
  }, 60_000);
  afterAll(() => session?.release());

  it("computes a batch of mixed lengths as runs that pad less, its rows in the pairs' order", async () => {
    const pairs = [...batch(1, 20), ...batch(1, 40), ...batch(1, 120)];
    const mixed = await session.run(pairs);
    // Three runs of one pair each: 20 + 40 + 120 tokens, not 3 × 120 in one run.
    expect(mixed?.paddedTokens).toBe(180);
    const alone = await Promise.all(pairs.map((p) => session.run([p])));
    expect(Array.from(mixed!.logits)).toEqual(alone.flatMap((a) => Array.from(a!.logits)));
    expect((await session.run(batch(4, 50)))?.paddedTokens).toBe(200);
  });

  it("skips a run whose signal is aborted before it starts, and runs the next one", async () => {
    const out = await session.run(batch(2, 8), AbortSignal.abort());
    expect(out).toBeUndefined();
    const after = await session.run(batch(2, 8));
    expect(after?.logits).toHaveLength(2);
  });

  it("skips a run aborted while it waits behind a running one; the run behind it is computed", async () => {
    const big = session.run(batch(64, 128)); // tens of ms at least: the next two wait behind it
    const abort = new AbortController();
    const queued = session.run(batch(4, 16), abort.signal);
    const last = session.run(batch(3, 16));
    abort.abort();
    expect((await big)?.logits).toHaveLength(64);
    expect(await queued).toBeUndefined();
    expect((await last)?.logits).toHaveLength(3);
  });

  it("skips a run aborted while the run before it computes, the first run of a new session too", async () => {
    const modelPath = (await resolveModelFiles("tiny-bert")).modelPath;
    const fresh = await withOnnxruntime(runtime, () => CrossEncoderSession.create(modelPath));
    try {
      const big = fresh.run(batch(256, 128)); // about 0.4 s on an idle 2-core machine
      const abort = new AbortController();
      const queued = fresh.run(batch(4, 16), abort.signal);
      await new Promise((r) => setTimeout(r, 20));
      abort.abort(); // reaches the host while `big` computes
      expect((await big)?.logits).toHaveLength(256);
      expect(await queued).toBeUndefined();
    } finally {
      await fresh.release();
    }
  });

  it("an abort after a run was answered does not skip a later run on the same flag", async () => {
    const abort = new AbortController();
    expect((await session.run(batch(1, 8), abort.signal))?.logits).toHaveLength(1);
    abort.abort(); // too late: nothing to skip, and the flag stays clear for the runs that follow
    for (let i = 0; i < 70; i++) expect(await session.run(batch(1, 8))).toBeDefined();
  });
});
