import { createServer } from "node:http";
import { listen, type TestServer } from "./vllm-like.js";

/** One request the proxy saw, and what the upstream (faithful) server answered. */
export interface Seen {
  method: string;
  path: string;
  /** The parsed JSON request body (undefined when not JSON). */
  body: any;
  status: number;
  /** The parsed JSON response body (undefined when not JSON). */
  json: any;
}

/** What to answer instead: a status and a JSON (or raw text) body. */
export type Answer = { status: number; json?: unknown; text?: string } | undefined;

export interface RewritingProxy extends TestServer {
  seen: Seen[];
  /** Most requests in flight at once. */
  maxInFlight: number;
}

/**
 * A faithful imitation behind a proxy that can replace any answer: a faulty server that fails
 * in exactly one way (`rewrite` returns undefined to pass the upstream answer through).
 */
export async function startRewritingProxy(upstream: TestServer, rewrite: (seen: Seen) => Answer = () => undefined): Promise<RewritingProxy> {
  const seen: Seen[] = [];
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
      const up = await fetch(`${upstream.url}${req.url}`, { method: req.method, headers, ...(raw.length > 0 ? { body: raw } : {}) });
      const text = await up.text();
      const parse = (s: string) => {
        try {
          return JSON.parse(s);
        } catch {
          return undefined;
        }
      };
      const s: Seen = { method: req.method ?? "", path: req.url ?? "", body: parse(raw.toString("utf8")), status: up.status, json: parse(text) };
      seen.push(s);
      const answer = rewrite(s);
      inFlight--;
      if (answer === undefined) {
        res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" });
        res.end(text);
      } else if (answer.text !== undefined) {
        res.writeHead(answer.status, { "content-type": "text/plain" });
        res.end(answer.text);
      } else {
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.json ?? {}));
      }
    });
  });
  const base = await listen(server);
  const proxy: RewritingProxy = { ...base, seen, maxInFlight: 0, close: async () => base.close() };
  return proxy;
}
