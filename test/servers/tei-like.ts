import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { lexicalScore, listen, type TestServer } from "./vllm-like.js";

export interface TeiLikeOptions {
  /** --max-client-batch-size (TEI's default 32, router/src/main.rs). */
  maxClientBatchSize?: number;
  /** Serve GET /info (router/src/http/server.rs get_model_info); false: 404, as a proxy in front of TEI may. */
  info?: boolean;
  /** Records each request as "METHOD /path", in arrival order. */
  seen?: string[];
  /** Fault: `"text": null` instead of leaving the field out when return_text is not set (TEI skips None, types.rs Rank). */
  nullText?: boolean;
}

/**
 * A faithful TEI-like rerank server (text-embeddings-inference v1.9.3 router/src/http/server.rs, types.rs): `texts`, a bare-array answer,
 * ties in reverse input order, axum's plain-text rejections, `{error, error_type}` for its
 * own errors, auto-truncation, a batch limit (--max-client-batch-size, default 32) and GET
 * /info reporting it (router/src/lib.rs Info). It proves the checks follow the dialect's data
 * rather than vLLM's habits.
 */
export async function startTeiLikeServer(options: TeiLikeOptions = {}): Promise<TestServer> {
  const maxBatch = options.maxClientBatchSize ?? 32;
  const info = {
    model_id: "test-reranker",
    model_sha: null,
    model_dtype: "float32",
    served_model_name: "test-reranker",
    model_type: { reranker: { id2label: { "0": "LABEL_0" }, label2id: { LABEL_0: 0 } } },
    max_concurrent_requests: 512,
    max_input_length: 512,
    max_batch_tokens: 16384,
    max_batch_requests: null,
    max_client_batch_size: maxBatch,
    auto_truncate: true,
    tokenization_workers: 2,
    version: "1.9.3",
    sha: null,
    docker_label: null,
  };
  const text = (res: ServerResponse, status: number, body: string) => res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      options.seen?.push(`${req.method} ${req.url}`);
      if (req.method === "GET" && req.url === "/info" && options.info !== false) return json(res, 200, info);
      if (req.method !== "POST" || req.url !== "/rerank") return text(res, 404, "");
      if ((req.headers["content-type"] ?? "").split(";")[0]!.trim() !== "application/json") {
        return text(res, 415, "Expected request with `Content-Type: application/json`");
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch (err) {
        return text(res, 400, `Failed to parse the request body as JSON: ${(err as Error).message}`);
      }
      const r = body as Record<string, unknown>;
      const ok =
        body !== null &&
        typeof body === "object" &&
        !Array.isArray(body) &&
        typeof r.query === "string" &&
        Array.isArray(r.texts) &&
        r.texts.every((t) => typeof t === "string") &&
        (r.return_text === undefined || typeof r.return_text === "boolean");
      if (!ok) return text(res, 422, "Failed to deserialize the JSON body into the target type: missing field or invalid type");
      const texts = r.texts as string[];
      if (texts.length === 0) return json(res, 400, { error: "`texts` cannot be empty", error_type: "Empty" });
      if (texts.length > maxBatch)
        return json(res, 422, { error: `batch size ${texts.length} > maximum allowed batch size ${maxBatch}`, error_type: "Validation" });
      const ranks = texts.map((t, index) => ({ index, score: lexicalScore(r.query as string, t.split(/\s+/).slice(0, 512).join(" ")) }));
      // Ascending stable sort, then reverse(): ties come out in reverse input order.
      ranks.sort((a, b) => a.score - b.score).reverse();
      json(
        res,
        200,
        ranks.map((x) => ({ index: x.index, score: x.score, ...(r.return_text ? { text: texts[x.index] } : options.nullText ? { text: null } : {}) })),
      );
    });
  });
  return listen(server);
}
