// The reference server's defaults and weight variants, read by `serve`'s flags and by the server
// itself (a leaf: `serve --help` must not load fastify or onnxruntime to show them).

export const SERVER_DEFAULTS = {
  model: "bm25",
  host: "127.0.0.1",
  port: 8000,
  maxDocuments: 10_000,
  maxQueue: 64,
  maxQueueTimeMs: 1_000,
  bodyLimit: 8 * 1024 * 1024,
  dtype: "fp32",
} as const;

/** ONNX weight variants, named as transformers.js names them (`onnx/model{suffix}.onnx`). */
export const DTYPE_SUFFIX = {
  fp32: "",
  fp16: "_fp16",
  quantized: "_quantized",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  q4f16: "_q4f16",
  bnb4: "_bnb4",
} as const;
export type ModelDtype = keyof typeof DTYPE_SUFFIX;
export const MODEL_DTYPES = Object.keys(DTYPE_SUFFIX) as ModelDtype[];
