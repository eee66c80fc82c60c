import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen, type TestServer } from "./vllm-like.js";

/** One request as the proxy saw it, and the faithful upstream's answer. */
export interface Seen {
  /** 0-based count of requests so far. */
  n: number;
  path: string;
  body: unknown;
  upstream: { status: number; json: unknown; text: string };
}

/** What the proxy sends instead: a status and a JSON (or raw text) body. */
export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
}

/**
 * A proxy in front of a faithful imitation that breaks one thing on the way back: `rewrite`
 * sees each request with the upstream's answer and returns a different reply, or undefined to
 * pass the answer through. It makes the one-off faulty servers the unit-level tests need
 * without adding switches to the faithful imitations.
 */
export async function startRewritingProxy(upstream: TestServer, rewrite: (seen: Seen) => Reply | undefined): Promise<TestServer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const headers: Record<string, string> = {};
      for (const k of ["content-type", "authorization"]) if (typeof req.headers[k] === "string") headers[k] = req.headers[k] as string;
      const up = await fetch(upstream.url + (req.url ?? "/"), { method: req.method, headers, ...(req.method === "POST" ? { body: raw } : {}) });
      const text = await up.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      const s: Seen = { n: seen.length, path: (req.url ?? "/").split("?")[0]!, body, upstream: { status: up.status, json, text } };
      seen.push(s);
      const reply = rewrite(s) ?? { status: up.status, text, contentType: up.headers.get("content-type") ?? "application/json" };
      const out = reply.text ?? JSON.stringify(reply.json);
      res.writeHead(reply.status, { "content-type": reply.contentType ?? "application/json" }).end(out);
    });
  });
  const started = await listen(server);
  return { ...started, seen };
}
