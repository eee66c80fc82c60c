import fc from "fast-check";
import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { beforeAll, describe, expect, it } from "vitest";
import { ChunkTokenCache, chunkCacheFor } from "../../src/reference/chunk-token-cache.js";
import { resolveModelFiles } from "../../src/reference/model-source.js";

/** Pieces of text that stress each stage: normalizing, splitting, WordPiece, added tokens. */
const FRAGMENTS = [
  "paris",
  "Capital",
  "CAFÉ",
  "naïve",
  "e\u0301",
  "北京",
  "東京タワー",
  ",",
  "...",
  "(x)",
  "don't",
  "3.14",
  "1,000",
  "\t",
  "\n",
  "\r\n",
  "\u00a0",
  "\u3000",
  "\u200b",
  "\ufeff",
  "\u0001",
  "\u0000",
  "😀",
  "👍🏽",
  "[SEP]",
  "[sep]",
  "[CLS]",
  "[UNK]",
  "[SE",
  "P]",
  "x".repeat(120),
  "supercalifragilisticexpialidocious",
  "ΟΔΟΣ",
  "straße",
  "İstanbul",
];

const text = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.constantFrom(" ", "  ", ""), fc.string({ maxLength: 6 }), fc.string({ unit: "grapheme", maxLength: 3 })), {
    maxLength: 40,
  })
  .map((parts) => parts.join(""));

describe("ChunkTokenCache", () => {
  let tokenizerJson: Record<string, unknown>;
  let encodeText: (text: string) => number[];
  beforeAll(async () => {
    const files = await resolveModelFiles("tiny-bert");
    tokenizerJson = JSON.parse(await readFile(files.tokenizerPath, "utf8")) as Record<string, unknown>;
    const config = JSON.parse(await readFile(files.tokenizerConfigPath!, "utf8")) as Record<string, unknown>;
    const tokenizer = new Tokenizer(tokenizerJson, config);
    encodeText = (t) => tokenizer.encode(t, { add_special_tokens: false }).ids;
  });

  it("gives the tokenizer's own ids for any text, cold and warm, across generations", () => {
    // Two generations of 8 chunks: most lookups miss, move up a generation or are dropped.
    const small = new ChunkTokenCache(encodeText, { content: "[SEP]", id: 102 }, 8);
    const large = chunkCacheFor(tokenizerJson, encodeText)!;
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (texts) => {
        for (const t of [...texts, ...texts]) {
          const expected = encodeText(t);
          expect(small.tokenize(t)).toEqual(expected);
          expect(large.tokenize(t)).toEqual(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("splits a joined call at the separator, and tokenizes chunk by chunk when a chunk holds it", () => {
    const calls: string[] = [];
    const cache = new ChunkTokenCache((t) => (calls.push(t), encodeText(t)), { content: "[SEP]", id: 102 });
    expect(cache.tokenize("paris is the capital")).toEqual(encodeText("paris is the capital"));
    expect(calls).toEqual(["paris [SEP] is [SEP] the [SEP] capital"]);
    calls.length = 0;
    expect(cache.tokenize("the capital of paris")).toEqual(encodeText("the capital of paris"));
    expect(calls).toEqual(["of"]); // the rest was remembered
    calls.length = 0;
    expect(cache.tokenize("a[SEP]b c")).toEqual(encodeText("a[SEP]b c"));
    expect(calls).toEqual(["a[SEP]b [SEP] c", "a[SEP]b", "c"]);
  });

  it("keeps long chunks out of the cache", () => {
    const calls: string[] = [];
    const cache = new ChunkTokenCache((t) => (calls.push(t), encodeText(t)), { content: "[SEP]", id: 102 });
    const long = "y".repeat(60);
    cache.tokenize(long);
    cache.tokenize(long);
    expect(calls).toEqual([long, long]);
  });

  it("is used only for pipelines that never join across a space", () => {
    // tiny-bert's tokenizer.json with some of its parts replaced.
    const cacheWith = (patch: Record<string, unknown>) => chunkCacheFor({ ...tokenizerJson, ...patch }, encodeText);
    expect(cacheWith({})).toBeInstanceOf(ChunkTokenCache);
    expect(cacheWith({ normalizer: null })).toBeInstanceOf(ChunkTokenCache);
    expect(cacheWith({ normalizer: { type: "Sequence", normalizers: [{ type: "NFD" }, { type: "Lowercase" }, { type: "StripAccents" }] } })).toBeInstanceOf(
      ChunkTokenCache,
    );
    expect(cacheWith({ pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }] } })).toBeInstanceOf(ChunkTokenCache);
    // SentencePiece-style and byte-level pipelines mark word starts with the space itself.
    expect(cacheWith({ pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always" } })).toBeUndefined();
    expect(cacheWith({ pre_tokenizer: { type: "ByteLevel", add_prefix_space: false } })).toBeUndefined();
    expect(cacheWith({ pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, { type: "Metaspace" }] } })).toBeUndefined();
    expect(cacheWith({ pre_tokenizer: null })).toBeUndefined();
    expect(cacheWith({ normalizer: { type: "Replace", pattern: { String: " " }, content: "▁" } })).toBeUndefined();
    expect(cacheWith({ model: { type: "BPE" } })).toBeUndefined();
    expect(cacheWith({ model: { type: "Unigram" } })).toBeUndefined();
    // An added token with a space inside could span two chunks.
    expect(cacheWith({ added_tokens: [...(tokenizerJson.added_tokens as object[]), { id: 999, content: "new york", special: false }] })).toBeUndefined();
  });
});
