import { describe, expect, test } from "vitest";
import { detectDialect } from "../../src/targets/detect-dialect.js";
import { startCohereLikeServer, startInfinityLikeServer, startJinaLikeServer, startLlamacppLikeServer } from "../servers/dialect-servers.js";
import { startTeiLikeServer } from "../servers/tei-like.js";
import { SERVED_MODEL, startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";

// --dialect auto names each of the seven dialects' test servers, and says why.
const SERVERS: [string, () => Promise<TestServer>, RegExp][] = [
  ["vllm", () => startVllmLikeServer(), /owned_by "vllm"/],
  ["tei", () => startTeiLikeServer(), /POST \/rerank answered a Hugging Face TEI body/],
  ["infinity", () => startInfinityLikeServer(), /owned_by "infinity"/],
  ["llamacpp", () => startLlamacppLikeServer(), /owned_by "llamacpp"/],
  ["jina", () => startJinaLikeServer(), /POST \/v1\/rerank answered a Jina AI body/],
  ["cohere-v1", () => startCohereLikeServer(1), /POST \/v1\/rerank answered a Cohere v1 body/],
  ["cohere-v2", () => startCohereLikeServer(2), /POST \/v2\/rerank answered a Cohere v2 body/],
];

describe("detectDialect", () => {
  for (const [name, start, why] of SERVERS) {
    test(`recognises the ${name} server`, async () => {
      const server = await start();
      try {
        const found = await detectDialect({ baseUrl: server.url, model: SERVED_MODEL, timeoutMs: 3_000 });
        expect(found.dialect, found.reasons.join("; ")).toBe(name);
        expect(found.reasons.join("; ")).toMatch(why);
      } finally {
        await server.close();
      }
    });
  }

  test("a static file server is no rerank API", async () => {
    const { createServer } = await import("node:http");
    const { listen } = await import("../servers/vllm-like.js");
    const server = await listen(createServer((_req, res) => res.writeHead(501, { "content-type": "text/html" }).end("<html>Unsupported method ('POST')</html>")));
    try {
      const found = await detectDialect({ baseUrl: server.url, timeoutMs: 3_000 });
      expect(found.dialect).toBeNull();
    } finally {
      await server.close();
    }
  });
});
