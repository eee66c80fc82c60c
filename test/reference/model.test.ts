import { copyFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SEED } from "./helpers.js";
import { sigmoid } from "../../src/reference/activation.js";
import { InputTooLongError, ModelNotFoundError, RequestCancelledError } from "../../src/reference/errors.js";
import { writeFixtureModels } from "../../src/reference/fixtures.js";
import { loadReranker, type Reranker } from "../../src/reference/model.js";
import { longestFirst } from "../../src/reference/pair-encoder.js";
import { startReferenceServer } from "../../src/reference/server.js";

const DOCS = [
  "Paris is the capital and most populous city of France.",
  "Berlin is the capital of Germany.",
  "The Eiffel Tower is in Paris.",
  "Cows eat grass.",
  "A very long document about the history of France and its capital city Paris, which has been " +
    "the seat of government for centuries, and about many other things besides. ".repeat(3),
  "",
  "France",
];

describe("reference models", () => {
  let bm25: Reranker;
  let tiny: Reranker;
  beforeAll(async () => {
    [bm25, tiny] = await Promise.all([loadReranker("bm25"), loadReranker("tiny-bert")]);
  });
  afterAll(async () => {
    await Promise.all([bm25?.close(), tiny?.close()]);
  });

  it("bm25 ranks the seed's Paris document first, with sigmoid scores in (0,1)", async () => {
    const { scores, tokens } = await bm25.score(SEED.query, [...SEED.documents]);
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
    expect(scores[0]!).toBeGreaterThan(scores[2]!);
    for (const s of scores) expect(s > 0 && s < 1).toBe(true);
    expect(tokens).toBe(51);
  });

  it("encodes pairs as [CLS] query [SEP] doc [SEP] with type ids 0/1", () => {
    const { ids, typeIds } = bm25.encoder.encode("capital France?", "Paris.");
    expect(ids).toEqual([101, 3007, 2605, 1029, 102, 3000, 1012, 102]);
    expect(typeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it("truncates over-long pairs longest-first to the max length, or refuses with truncation off", async () => {
    const long = "paris ".repeat(2000);
    const pair = bm25.encoder.encode("capital of france", long);
    expect(pair.ids).toHaveLength(512);
    expect(pair.ids.slice(0, 5)).toEqual([101, 3007, 1997, 2605, 102]);
    expect(pair.ids.at(-1)).toBe(102);
    expect(bm25.encoder.encode("q", long, { maxLength: 16 }).ids).toHaveLength(16);
    expect(() => bm25.encoder.encode("q", long, { truncate: false })).toThrow(InputTooLongError);
    await expect(bm25.score("q", [long], { truncate: false })).rejects.toThrow(/maximum context length is 512/);
    expect(longestFirst(10, 3, 8)).toEqual([5, 3]);
    expect(longestFirst(6, 6, 9)).toEqual([5, 4]);
  });

  it("gives raw logits on request, with sigmoid(raw) equal to the score", async () => {
    const on = await tiny.score(SEED.query, [...SEED.documents]);
    const off = await tiny.score(SEED.query, [...SEED.documents], { activation: false });
    off.scores.forEach((raw, i) => expect(sigmoid(raw)).toBeCloseTo(on.scores[i]!, 6));
    expect(new Set(on.scores).size).toBe(3);
  });

  for (const name of ["bm25", "tiny-bert"] as const) {
    it(`${name}: a document's score is the same alone, in any position and in any batch`, async () => {
      const model = name === "bm25" ? bm25 : tiny;
      const alone = await Promise.all(DOCS.map(async (d) => (await model.score(SEED.query, [d])).scores[0]!));
      const together = (await model.score(SEED.query, DOCS)).scores;
      const reversed = (await model.score(SEED.query, [...DOCS].reverse())).scores.reverse();
      const padded = (await model.score(SEED.query, [...DOCS, ...Array(40).fill("filler text ".repeat(30))])).scores;
      // Concurrent requests share micro-batches with other queries' pairs.
      const [concurrent] = await Promise.all([
        model.score(SEED.query, DOCS),
        model.score("another query entirely", DOCS),
        model.scorePairs(DOCS.map((d) => ["x", d] as const)),
      ]);
      for (let i = 0; i < DOCS.length; i++) {
        for (const other of [together, reversed, padded, concurrent!.scores]) {
          expect(Math.abs(other[i]! - alone[i]!)).toBeLessThan(1e-5);
        }
      }
      // Deterministic across calls.
      expect((await model.score(SEED.query, DOCS)).scores).toEqual(together);
    });
  }

  it("admits on a calibrated characters-per-token estimate close to the real count", () => {
    // Seeded at load by the calibration text, before any request.
    expect(tiny.tokenEstimate.charsPerToken).toBeGreaterThan(2);
    const doc = "The river runs past the old mill, and the town grew up around the bridge over it. ".repeat(3);
    const real = tiny.encoder.encode(SEED.query, doc).ids.length;
    const estimated = tiny.tokenEstimate.pair(SEED.query.length + doc.length);
    expect(estimated).toBeGreaterThan(real * 0.7);
    expect(estimated).toBeLessThan(real * 1.3);
  });

  it("tokenizes a request only when its turn comes: one cancelled while it waits is never tokenized", async () => {
    const encode = vi.spyOn(tiny.encoder, "encode");
    try {
      const busy = tiny.score(
        "first",
        Array.from({ length: 50 }, (_, i) => `busy document ${i}`),
      );
      const abort = new AbortController();
      const gone = tiny.scorePairs([["never tokenized", "a document nobody waits for"]], {}, { signal: abort.signal });
      abort.abort();
      await expect(gone).rejects.toThrow(RequestCancelledError);
      await busy;
      const queries = encode.mock.calls.map(([query]) => query);
      expect(queries).toContain("first");
      expect(queries).not.toContain("never tokenized");
    } finally {
      encode.mockRestore();
    }
  });

  it("reports a pair too long with truncation off when its turn comes, failing that request alone", async () => {
    const long = "paris ".repeat(2000);
    const [tooLong, fine] = await Promise.allSettled([bm25.score("q", [long], { truncate: false }), bm25.score("q", ["paris"])]);
    expect(tooLong.status === "rejected" && tooLong.reason).toBeInstanceOf(InputTooLongError);
    expect(fine.status).toBe("fulfilled");
  });

  it("with `inline`, scores a lone request on this thread as the replicas do; a server turns it on", async () => {
    const inline = await loadReranker("tiny-bert", { replicas: 2, threads: 1, inline: true });
    const server = await startReferenceServer({ model: "tiny-bert", port: 0, modelOptions: { replicas: 2, threads: 1 } });
    try {
      expect(tiny.layout.inline).toBeUndefined(); // the library holds no thread unless asked
      expect(inline.layout).toEqual({ replicas: 2, threads: 1, inline: true });
      expect(server.layout).toEqual({ replicas: 2, threads: 1, inline: true });
      const [here, apart] = await Promise.all([inline.score(SEED.query, DOCS), tiny.score(SEED.query, DOCS)]);
      expect(here.scores).toEqual(apart.scores);
    } finally {
      await Promise.all([inline.close(), server.close()]);
    }
  });

  it("loads a model directory in HF layout, including a quantized variant by flag", async () => {
    const out = await mkdtemp(join(tmpdir(), "rh-model-dir-"));
    const [bm25Dir] = await writeFixtureModels(out);
    await copyFile(join(bm25Dir!, "onnx", "model.onnx"), join(bm25Dir!, "onnx", "model_quantized.onnx"));
    const fromDir = await loadReranker(bm25Dir!);
    const quantized = await loadReranker(bm25Dir!, { dtype: "quantized" });
    try {
      expect(quantized.files.modelPath).toBe(join(bm25Dir!, "onnx", "model_quantized.onnx"));
      const expected = (await bm25.score(SEED.query, [...SEED.documents])).scores;
      expect((await fromDir.score(SEED.query, [...SEED.documents])).scores).toEqual(expected);
      expect((await quantized.score(SEED.query, [...SEED.documents])).scores).toEqual(expected);
    } finally {
      await Promise.all([fromDir.close(), quantized.close()]);
    }
    await expect(loadReranker(bm25Dir!, { dtype: "int8" })).rejects.toThrow(ModelNotFoundError);
    await expect(loadReranker("/nonexistent/dir/../x y")).rejects.toThrow(ModelNotFoundError);
  });
});
