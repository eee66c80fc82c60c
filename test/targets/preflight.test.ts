import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { getDialect } from "../../src/contract/registry.js";
import { preflightTarget } from "../../src/targets/preflight.js";
import { TargetStartError, type StartedTarget } from "../../src/targets/target.js";

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

function target(baseUrl: string): StartedTarget {
  return { label: "t", baseUrl, dialect: getDialect("vllm"), apiKeyEnv: "RERANK_API_KEY", stop: async () => {} };
}

async function serve(status: number, body: string): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("preflightTarget (URL targets)", () => {
  it("an unreachable URL is a TargetStartError with the reason", async () => {
    const err = await preflightTarget(target("http://127.0.0.1:1"), { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetStartError);
    expect((err as Error).message).toMatch(/ERR_CONNECTION_REFUSED/);
  });

  it("a refused key or a missing route stops it too; a working target passes", async () => {
    await expect(preflightTarget(target(await serve(401, "{}")), { timeoutMs: 2_000 })).rejects.toThrow(/401.*RERANK_API_KEY/);
    await expect(preflightTarget(target(await serve(404, "{}")), { timeoutMs: 2_000 })).rejects.toThrow(/404/);
    const ok = await serve(
      200,
      JSON.stringify({
        id: "x",
        model: "m",
        usage: { total_tokens: 3 },
        results: [
          { index: 1, relevance_score: 0.9 },
          { index: 0, relevance_score: 0.1 },
        ],
      }),
    );
    await expect(preflightTarget(target(ok), { timeoutMs: 2_000 })).resolves.toMatchObject({ status: 200 });
  });
});
