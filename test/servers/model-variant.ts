import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sigmoid } from "../../src/reference/activation.js";
import { ModelLogits } from "../../src/reference/model-logits.js";
import type { TestServer } from "./vllm-like.js";

/**
 * A vLLM-dialect rerank server that runs the real model (the reference's own onnxruntime path)
 * but computes its scores the way a known server fault does: the sigmoid applied twice
 * (node-llama-cpp#617), or token types zeroed (llama.cpp PR #21729). `faithful` computes them
 * right. For the fidelity checks' tests: a wrapper of the reference, not an imitation of it.
 */
export const MODEL_FAULTS = ["faithful", "double_sigmoid", "token_types_zeroed"] as const;
export type ModelFault = (typeof MODEL_FAULTS)[number];

export async function startModelVariantServer(model: string, fault: ModelFault): Promise<TestServer> {
  const logits = await ModelLogits.load(model, { threads: 1 });
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", async () => {
      try {
        if (req.method === "GET") {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(raw) as { query: string; documents: string[]; top_n?: number };
        const pairs = body.documents.map((d) => [body.query, d] as const);
        const raws = await logits.logits(pairs, { zeroTokenTypes: fault === "token_types_zeroed" });
        const scores = raws.map((x) => (fault === "double_sigmoid" ? sigmoid(sigmoid(x)) : sigmoid(x)));
        const results = scores
          .map((s, index) => ({ index, document: { text: body.documents[index] }, relevance_score: s }))
          .sort((a, b) => b.relevance_score - a.relevance_score)
          .slice(0, body.top_n ?? scores.length);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "rerank-1", model, usage: { total_tokens: 0 }, results }));
      } catch (err) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: (err as Error).message, type: "BadRequestError", code: 400 } }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await logits.close();
    },
  };
}
