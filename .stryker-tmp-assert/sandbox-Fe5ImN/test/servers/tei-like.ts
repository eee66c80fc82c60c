// @ts-nocheck
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { lexicalScore, listen, type TestServer } from "./vllm-like.js";

/**
 * A faithful TEI-like rerank server (CONTRACTS.md §2, v1.9): `texts`, a bare-array answer,
 * ties in reverse input order, axum's plain-text rejections, `{error, error_type}` for its
 * own errors, auto-truncation, and a 32-text batch limit. It proves the checks follow the
 * dialect's data rather than vLLM's habits.
 */
export async function startTeiLikeServer(): Promise<TestServer> {
  const text = (res: ServerResponse, status: number, body: string) => res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
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
        body !== null && typeof body === "object" && !Array.isArray(body) && typeof r.query === "string" &&
        Array.isArray(r.texts) && r.texts.every((t) => typeof t === "string") &&
        (r.return_text === undefined || typeof r.return_text === "boolean");
      if (!ok) return text(res, 422, "Failed to deserialize the JSON body into the target type: missing field or invalid type");
      const texts = r.texts as string[];
      if (texts.length === 0) return json(res, 400, { error: "`texts` cannot be empty", error_type: "Empty" });
      if (texts.length > 32) return json(res, 422, { error: `batch size ${texts.length} > maximum allowed batch size 32`, error_type: "Validation" });
      const ranks = texts.map((t, index) => ({ index, score: lexicalScore(r.query as string, t.split(/\s+/).slice(0, 512).join(" ")) }));
      // Ascending stable sort, then reverse(): ties come out in reverse input order.
      ranks.sort((a, b) => a.score - b.score).reverse();
      json(res, 200, ranks.map((x) => ({ index: x.index, score: x.score, ...(r.return_text ? { text: texts[x.index] } : {}) })));
    });
  });
  return listen(server);
}
