import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gguf } from "@huggingface/gguf";
import onnxProto from "onnx-proto";
import { describe, expect, test } from "vitest";
import { fixtureModelDir, tinyBertGgufPath } from "../../src/reference/fixtures.js";
import { encodeGguf } from "../../src/reference/fixtures/gguf-writer.js";
import { loadBertVocab } from "../../src/reference/fixtures/vocab.js";

// Read back with an independent GGUF parser (@huggingface/gguf), checked against what llama.cpp
// v0.4.0 loads for a BERT reranker (src/models/bert.cpp, src/llama-vocab.cpp, src/llama-arch.cpp).

describe("GGUF writer", () => {
  test("a small file parses back: every value type, tensor shape and data offset", async () => {
    const bytes = encodeGguf(
      [
        ["general.architecture", "bert"],
        ["a.u32", { u32: 7 }],
        ["a.i32", { i32: -3 }],
        ["a.f32", { f32: 0.5 }],
        ["a.bool", { bool: true }],
        ["a.strings", { strings: ["x", "▁y"] }],
        ["a.ints", { i32s: [1, -2, 3] }],
      ],
      [
        { name: "t.a", ne: [3], data: Float32Array.of(1, 2, 3) },
        { name: "t.b", ne: [2, 2], data: Float32Array.of(4, 5, 6, 7) },
      ],
    );
    const file = join(await fixtureModelDir("tiny-bert"), "..", `writer-test-${process.pid}.gguf`);
    const { writeFileSync, rmSync } = await import("node:fs");
    writeFileSync(file, bytes);
    try {
      const r = await gguf(file, { allowLocalFile: true });
      expect(r.metadata).toMatchObject({ version: 3, "a.u32": 7, "a.i32": -3, "a.f32": 0.5, "a.bool": true, "a.strings": ["x", "▁y"], "a.ints": [1, -2, 3] });
      expect(r.tensorInfos.map((t) => [t.name, t.shape.map(Number), t.dtype, Number(t.offset)])).toEqual([
        ["t.a", [3], 0, 0],
        ["t.b", [2, 2], 0, 32],
      ]);
      const base = Number(r.tensorDataOffset);
      expect(base % 32).toBe(0);
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      expect(view.getFloat32(base + 32 + 12, true)).toBe(7);
    } finally {
      rmSync(file, { force: true });
    }
  });

  test("a tensor whose data does not fill its shape is refused", () => {
    expect(() => encodeGguf([], [{ name: "bad", ne: [2, 2], data: Float32Array.of(1) }])).toThrow(/bad has 1 values for shape \[2, 2\]/);
  });
});

describe("tiny-bert as a llama.cpp BERT reranker GGUF", async () => {
  const path = await tinyBertGgufPath();
  const r = await gguf(path, { allowLocalFile: true });
  const meta = r.metadata as Record<string, unknown>;
  const vocab = await loadBertVocab();

  test("architecture bert, rank pooling, one classifier label, the model's shape", () => {
    expect(meta).toMatchObject({
      "general.architecture": "bert",
      "bert.pooling_type": 4,
      "bert.classifier.output_labels": ["LABEL_0"],
      "bert.block_count": 2,
      "bert.embedding_length": 128,
      "bert.feed_forward_length": 512,
      "bert.attention.head_count": 2,
      "bert.context_length": 512,
      "bert.attention.causal": false,
      "tokenizer.ggml.token_type_count": 2,
    });
    expect(meta["bert.attention.layer_norm_epsilon"]).toBeCloseTo(1e-12, 18);
  });

  test("the WordPiece vocabulary in the converter's phantom-space spelling, specials as control tokens", () => {
    const tokens = meta["tokenizer.ggml.tokens"] as string[];
    const types = meta["tokenizer.ggml.token_type"] as number[];
    expect(meta["tokenizer.ggml.model"]).toBe("bert");
    expect(tokens).toHaveLength(30522);
    expect(tokens[101]).toBe("[CLS]");
    expect(types[101]).toBe(3);
    const paris = vocab.indexOf("paris");
    expect(tokens[paris]).toBe("▁paris");
    expect(types[paris]).toBe(1);
    const suffix = vocab.indexOf("##ing");
    expect(tokens[suffix]).toBe("ing");
    expect(meta).toMatchObject({
      "tokenizer.ggml.bos_token_id": 101,
      "tokenizer.ggml.eos_token_id": 102,
      "tokenizer.ggml.add_bos_token": true,
      "tokenizer.ggml.add_eos_token": true,
    });
  });

  test("the tensors llama.cpp's BERT loader asks for, in its shapes; the pooler as cls, the classifier as cls.output", () => {
    const shapes = Object.fromEntries(r.tensorInfos.map((t) => [t.name, t.shape.map(Number)]));
    expect(shapes["token_embd.weight"]).toEqual([128, 30522]);
    expect(shapes["token_types.weight"]).toEqual([128, 2]);
    expect(shapes["position_embd.weight"]).toEqual([128, 512]);
    expect(shapes["blk.1.attn_q.weight"]).toEqual([128, 128]);
    expect(shapes["blk.0.ffn_up.weight"]).toEqual([128, 512]);
    expect(shapes["blk.0.ffn_down.weight"]).toEqual([512, 128]);
    expect(shapes["blk.1.layer_output_norm.bias"]).toEqual([128]);
    expect(shapes["cls.weight"]).toEqual([128, 128]);
    expect(shapes["cls.output.weight"]).toEqual([128, 1]);
    expect(shapes["cls.output.bias"]).toEqual([1]);
    expect(r.tensorInfos).toHaveLength(5 + 2 * 16 + 4);
  });

  test("weights are the ONNX graph's: dense layers transposed to rows of input length", async () => {
    const onnxBytes = readFileSync(join(await fixtureModelDir("tiny-bert"), "onnx", "model.onnx"));
    const model = onnxProto.onnx.ModelProto.decode(onnxBytes);
    const init = model.graph!.initializer!.find((t) => t.name === "encoder.layer.0.intermediate.dense.weight")!;
    const src = new DataView(init.rawData!.buffer, init.rawData!.byteOffset); // [in 128, out 512]
    const info = r.tensorInfos.find((t) => t.name === "blk.0.ffn_up.weight")!;
    const file = readFileSync(path);
    const at = Number(r.tensorDataOffset) + Number(info.offset);
    const dst = new DataView(file.buffer, file.byteOffset + at); // [out 512][in 128]
    for (const [i, o] of [
      [0, 0],
      [5, 300],
      [127, 511],
    ] as const) {
      expect(dst.getFloat32((o * 128 + i) * 4, true)).toBe(src.getFloat32((i * 512 + o) * 4, true));
    }
  });
});
