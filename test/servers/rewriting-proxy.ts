import { createServer } from "node:http";
import { listen, type TestServer } from "./vllm-like.js";

/** One request as the proxy saw it, with the faithful upstream's answer. */
export interface Seen {
  /** 0-based count of requests before this one. */
  n: number;
  method: string;
  /** The path, without its query string. */
  path: string;
  /** The request body, parsed as JSON when it is JSON, else the raw text. */
  body: any;
  /** The upstream's status, its body parsed as JSON (undefined when not JSON), and its text. */
  status: number;
  json: any;
  text: string;
}

/** What the proxy sends instead: a status and a JSON (or raw text, text/plain by default) body. */
export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
}

export interface RewritingProxy extends TestServer {
  seen: Seen[];
  /** The most requests in flight at once. */
  maxInFlight: number;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A proxy in front of a faithful imitation that breaks one thing on the way back: `rewrite` sees
 * each request with the upstream's answer and returns another reply, or undefined to pass the
 * answer through. It makes the one-off faulty servers the unit-level tests need without adding
 * switches to the faithful imitations.
 */
export async function startRewritingProxy(upstream: TestServer, rewrite: (seen: Seen) => Reply | undefined = () => undefined): Promise<RewritingProxy> {
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
      const up = await fetch(`${upstream.url}${req.url ?? "/"}`, { method: req.method, headers, ...(raw.length > 0 ? { body: raw } : {}) });
      const text = await up.text();
      const rawText = raw.toString("utf8");
      const s: Seen = {
        n: seen.length,
        method: req.method ?? "",
        path: (req.url ?? "/").split("?")[0]!,
        body: parseJson(rawText) ?? rawText,
        status: up.status,
        json: parseJson(text),
        text,
      };
      seen.push(s);
      const reply = rewrite(s);
      inFlight--;
      if (reply === undefined) {
        res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" }).end(text);
      } else {
        const contentType = reply.contentType ?? (reply.text !== undefined ? "text/plain" : "application/json");
        res.writeHead(reply.status, { "content-type": contentType }).end(reply.text ?? JSON.stringify(reply.json ?? {}));
      }
    });
  });
  const base = await listen(server);
  const proxy: RewritingProxy = { ...base, seen, maxInFlight: 0 };
  return proxy;
}
