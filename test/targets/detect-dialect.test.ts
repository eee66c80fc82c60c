import { describe, expect, test } from "vitest";
import { detectDialect } from "../../src/targets/detect-dialect.js";
import { parseTargetSpec } from "../../src/targets/spec.js";
import { ModelRequiredError, startTarget } from "../../src/targets/start.js";
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
    const server = await listen(
      createServer((_req, res) => res.writeHead(501, { "content-type": "text/html" }).end("<html>Unsupported method ('POST')</html>")),
    );
    try {
      const found = await detectDialect({ baseUrl: server.url, timeoutMs: 3_000 });
      expect(found.dialect).toBeNull();
    } finally {
      await server.close();
    }
  });

  test("startTarget (shared by check, load and compare) settles #dialect=auto and says why", async () => {
    const server = await startInfinityLikeServer();
    const lines: string[] = [];
    const ctx = { reference: "bm25", apiKeyEnv: "RH_NO_KEY", timeoutMs: 3_000, log: (l: string) => lines.push(l) };
    try {
      const target = await startTarget(parseTargetSpec(`${server.url}#dialect=auto`), ctx);
      expect(target.dialect.name).toBe("infinity");
      expect(lines.join("\n")).toMatch(/dialect auto: .* speaks infinity \(GET \/models: owned_by "infinity"/);
      const flag = await startTarget(parseTargetSpec(server.url), { ...ctx, dialect: "auto" });
      expect(flag.dialect.name).toBe("infinity");
    } finally {
      await server.close();
    }
  });

  test("auto finding a dialect that needs a model, without one, refuses to start", async () => {
    const server = await startCohereLikeServer(1);
    try {
      const target = await startTarget(parseTargetSpec(server.url), {
        reference: "bm25",
        apiKeyEnv: "RH_NO_KEY",
        timeoutMs: 3_000,
        log: () => {},
        dialect: "auto",
      });
      expect(target.dialect.name).toBe("cohere-v1");
      await expect(
        startTarget(parseTargetSpec(`${server.url}#dialect=cohere-v2`), { reference: "bm25", apiKeyEnv: "RH_NO_KEY", timeoutMs: 3_000, log: () => {} }),
      ).rejects.toThrow(ModelRequiredError);
    } finally {
      await server.close();
    }
  });

  test("auto where every probe is refused with a 4xx, without --model, says that some dialects need one", async () => {
    const { createServer } = await import("node:http");
    const { listen } = await import("../servers/vllm-like.js");
    const server = await listen(createServer((_req, res) => res.writeHead(400, { "content-type": "application/json" }).end('{"error":"model is required"}')));
    try {
      const err = (await startTarget(parseTargetSpec(server.url), {
        reference: "bm25",
        apiKeyEnv: "RH_NO_KEY",
        timeoutMs: 3_000,
        log: () => {},
        dialect: "auto",
      }).catch((e: unknown) => e)) as Error & { hint?: string };
      expect(err).toBeInstanceOf(Error);
      expect(`${err.message} ${err.hint ?? ""}`).toMatch(/answered no probe as a rerank API; some dialects need --model/);
    } finally {
      await server.close();
    }
  });
});
