// @ts-nocheck
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { createRng } from "../../src/load/workload.js";

/**
 * A vLLM-shaped server that forwards to a real one and adds seeded uniform noise in
 * [−amplitude, amplitude] to every score (re-sorting the results), so rankings mostly agree
 * and scores differ by a known amount.
 */
export async function startNoisyServer(upstream: string, amplitude: number, seed = 7): Promise<{ url: string; close(): Promise<void> }> {
  const rng = createRng(seed);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const up = await request(`${upstream}${req.url}`, {
          method: req.method as "GET" | "POST",
          headers: { "content-type": req.headers["content-type"] ?? "application/json" },
          ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}),
        });
        const text = await up.body.text();
        let out = text;
        if (up.statusCode === 200 && req.method === "POST") {
          const body = JSON.parse(text) as { results?: Array<{ relevance_score: number }> };
          if (Array.isArray(body.results)) {
            for (const r of body.results) r.relevance_score += (rng() * 2 - 1) * amplitude;
            body.results.sort((x, y) => y.relevance_score - x.relevance_score);
          }
          out = JSON.stringify(body);
        }
        res.writeHead(up.statusCode, { "content-type": String(up.headers["content-type"] ?? "application/json") });
        res.end(out);
      })().catch((err: Error) => {
        res.writeHead(502);
        res.end(err.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
