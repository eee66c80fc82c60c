import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HttpClient, TransportError, type HttpClientOptions } from "../../src/client/index.js";
import { startServer, type Behaviour } from "./hostile-server.js";

// What the client puts on the wire and keeps as evidence, in-process (so StrykerJS sees it).

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function clientFor(behaviour: Behaviour, options: Partial<HttpClientOptions> = {}) {
  const server = await startServer(behaviour);
  const client = new HttpClient({ baseUrl: server.url, ...options });
  cleanups.push(server.close, () => client.close());
  return client;
}

interface Echo {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A client whose server answers every request with what it received. */
function echoClient(options: Partial<HttpClientOptions> = {}) {
  return clientFor((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body })));
  }, options);
}

const echoed = async (client: HttpClient, req: Parameters<HttpClient["send"]>[0]) => (await client.send(req)).json as Echo;

describe("HttpClient requests", () => {
  it("works with the default timeouts (none given)", async () => {
    const client = await echoClient();
    expect((await client.send({ path: "/" })).status).toBe(200);
  });

  it("uses the client's timeout when a request gives none", async () => {
    const client = await clientFor(() => {}, { timeoutMs: 300 });
    const err = (await client.send({ path: "/" }).catch((e: unknown) => e)) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toBe("no complete response within 300 ms (waiting for the response)");
  });

  it("GETs without a body, POSTs a JSON or raw body, and an explicit method wins", async () => {
    const client = await echoClient();
    const get = await echoed(client, { path: "/a" });
    expect([get.method, get.body, get.headers["content-type"]]).toEqual(["GET", "", undefined]);
    const json = await echoed(client, { path: "/a", json: { q: 1 } });
    expect([json.method, json.body, json.headers["content-type"]]).toEqual(["POST", '{"q":1}', "application/json"]);
    const raw = await echoed(client, { path: "/a", rawBody: "x=1" });
    expect([raw.method, raw.body, raw.headers["content-type"]]).toEqual(["POST", "x=1", "application/json"]);
    const put = await echoed(client, { method: "PUT", path: "/a", json: {} });
    expect(put.method).toBe("PUT");
  });

  it("sends accept: application/json, then the client's headers, then the request's (later wins)", async () => {
    const client = await echoClient({ headers: { "x-client": "c", "x-both": "client" } });
    const { headers } = await echoed(client, { path: "/", headers: { "x-both": "request", "x-req": "r" } });
    expect([headers["accept"], headers["x-client"], headers["x-both"], headers["x-req"]]).toEqual(["application/json", "c", "request", "r"]);
    expect((await echoed(client, { path: "/", headers: { accept: "text/plain" } })).headers["accept"]).toBe("text/plain");
  });

  it("sends the key as a bearer token unless told not to or given another value", async () => {
    const keyed = await echoClient({ apiKey: "sk-requests-test-key" });
    expect((await echoed(keyed, { path: "/" })).headers["authorization"]).toBe("Bearer sk-requests-test-key");
    expect((await echoed(keyed, { path: "/", auth: false })).headers["authorization"]).toBeUndefined();
    expect((await echoed(keyed, { path: "/", auth: "Bearer wrong" })).headers["authorization"]).toBe("Bearer wrong");
    const keyless = await echoClient();
    expect((await echoed(keyless, { path: "/" })).headers["authorization"]).toBeUndefined();
    expect((await echoed(keyless, { path: "/", auth: true })).headers["authorization"]).toBeUndefined();
    expect((await echoed(keyless, { path: "/", auth: "Basic dTpw" })).headers["authorization"]).toBe("Basic dTpw");
  });

  it("joins paths under a base path, with or without slashes, and keeps the query string", async () => {
    const client = await echoClient();
    const origin = client.baseUrl.origin;
    for (const [base, path, expected] of [
      [`${origin}/api//`, "/v1/rerank", "/api/v1/rerank"],
      [`${origin}/api`, "rerank", "/api/rerank"],
      [`${origin}`, "rerank?x=1&y=2", "/rerank?x=1&y=2"],
    ] as const) {
      const nested = new HttpClient({ baseUrl: base });
      cleanups.push(() => nested.close());
      expect((await echoed(nested, { path })).url, base + " + " + path).toBe(expected);
    }
  });

  it("keeps the request as evidence: method, URL, redacted headers, the body cut at 2000 characters", async () => {
    const client = await echoClient({ apiKey: "sk-evidence-key-1" });
    const get = await client.send({ path: "/e" });
    expect(get.request).toEqual({
      method: "GET",
      url: `${client.baseUrl.origin}/e`,
      headers: { accept: "application/json", authorization: "Bearer [REDACTED]" },
    });
    expect("body" in get.request).toBe(false);
    const exact = "a".repeat(2000);
    expect((await client.send({ path: "/e", rawBody: exact })).request.body).toBe(exact);
    expect((await client.send({ path: "/e", rawBody: exact + "bc" })).request.body).toBe(`${exact}… (2 more characters)`);
    expect((await client.send({ path: "/e", json: { k: "sk-evidence-key-1" } })).request.body).toBe('{"k":"[REDACTED]"}');
  });

  it("times each exchange from the hand-off to the last byte, inside the caller's own measurement", async () => {
    const client = await echoClient();
    const before = performance.now();
    const ex = await client.send({ path: "/" });
    const after = performance.now();
    expect(ex.timings.startedAt).toBeGreaterThanOrEqual(before);
    expect(ex.timings.headersMs).toBeGreaterThan(0);
    expect(ex.timings.totalMs).toBeGreaterThanOrEqual(ex.timings.headersMs);
    expect(ex.timings.startedAt + ex.timings.totalMs).toBeLessThanOrEqual(after);
  });

  it("reports 3xx (300 to 399) as redirects, and nothing else", async () => {
    const client = await clientFor((req, res) => {
      const status = Number(req.url!.slice(1));
      res.writeHead(status, status === 304 ? {} : { location: `/to-${status}` });
      res.end();
    });
    for (const status of [300, 301, 399]) expect((await client.send({ path: `/${status}` })).redirect, String(status)).toEqual({ location: `/to-${status}` });
    for (const status of [200, 299, 400]) expect((await client.send({ path: `/${status}` })).redirect, String(status)).toBeUndefined();
  });

  it("joins repeated response headers and lower-cases their names", async () => {
    const client = await clientFor((_req, res) => {
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.setHeader("X-Mixed-Case", "v");
      res.end("{}");
    });
    const ex = await client.send({ path: "/" });
    expect([ex.headers["set-cookie"], ex.headers["x-mixed-case"]]).toEqual(["a=1, b=2", "v"]);
  });

  it("an empty body is no JSON, with the reason 'empty body'", async () => {
    const client = await clientFor((_req, res) => res.end());
    const ex = await client.send({ path: "/" });
    expect([ex.text, ex.json, ex.jsonError]).toEqual(["", undefined, "empty body"]);
  });

  // A body refused by its Content-Length after it had fully arrived used to crash the process
  // (undici's AbortError from destroy() had no listener); vitest fails the run on such an error.
  it("an oversize body's error carries its time and the first bytes (none when refused by Content-Length)", async () => {
    const client = await clientFor(
      (req, res) => {
        // Written in two parts, so that /streamed goes chunked (no Content-Length to refuse early).
        if (req.url === "/declared") res.writeHead(200, { "content-length": String(4096) });
        res.write("b".repeat(2048));
        res.end("b".repeat(2048));
      },
      { maxResponseBytes: 1024 },
    );
    for (const [path, head] of [
      ["/declared", ""],
      ["/streamed", "b".repeat(512)],
    ]) {
      const before = performance.now();
      const err = (await client.send({ path: path! }).catch((e: unknown) => e)) as TransportError & { head: string };
      const wall = performance.now() - before;
      expect(err.reason, path).toBe("ERR_RESPONSE_TOO_LARGE");
      expect(err.head, path).toBe(head);
      expect(err.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(err.elapsedMs).toBeLessThanOrEqual(wall);
    }
  });

  it("clears its deadline timer once an exchange is done (nothing keeps the process alive)", async () => {
    const client = await echoClient();
    const set = vi.spyOn(globalThis, "setTimeout");
    const clear = vi.spyOn(globalThis, "clearTimeout");
    try {
      await client.send({ path: "/", timeoutMs: 600_000 });
      const deadline = set.mock.results[set.mock.calls.findIndex((c) => c[1] === 600_000)]?.value;
      expect(deadline).toBeDefined();
      expect(clear).toHaveBeenCalledWith(deadline);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });

  it("holds at most `connections` sockets to the origin", async () => {
    let open = 0;
    let most = 0;
    const client = await clientFor(
      (req, res) => {
        open++;
        most = Math.max(most, open);
        req.socket.once("close", () => open--);
        setTimeout(() => {
          res.setHeader("connection", "close");
          res.end("{}");
        }, 30);
      },
      { connections: 1 },
    );
    const results = await Promise.all([1, 2, 3].map(() => client.send({ path: "/" })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(most).toBe(1);
  });

  it("refuses to send once closed", async () => {
    const server = await startServer((_req, res) => res.end("{}"));
    cleanups.push(server.close);
    const client = new HttpClient({ baseUrl: server.url });
    await client.send({ path: "/" });
    await client.close();
    const err = (await client.send({ path: "/" }).catch((e: unknown) => e)) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toMatch(/destroyed|closed/);
  });

  it("names what is wrong with a base URL", () => {
    const thrown = (baseUrl: string) => {
      try {
        new HttpClient({ baseUrl });
      } catch (e) {
        return e as TransportError;
      }
    };
    const ftp = thrown("ftp://example.com");
    expect([ftp?.reason, ftp?.message, ftp?.elapsedMs]).toEqual(["ERR_INVALID_URL", "unsupported protocol ftp: (http: or https: only)", 0]);
    const junk = thrown("not a url");
    expect([junk?.reason, junk?.message, junk?.elapsedMs]).toEqual(["ERR_INVALID_URL", "not a URL: not a url", 0]);
  });
});
