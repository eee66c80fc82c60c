import { createServer as createNetServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpClient, ResponseTooLargeError, TransportError } from "../../src/client/index.js";
import { startServer, type Behaviour } from "./hostile-server.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function clientFor(behaviour: Behaviour, options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const server = await startServer(behaviour);
  const client = new HttpClient({ baseUrl: server.url, timeoutMs: 1_000, ...options });
  cleanups.push(server.close, () => client.close());
  return client;
}

async function transportError(promise: Promise<unknown>): Promise<TransportError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe("HttpClient", () => {
  it("returns status, headers, text, parsed JSON and timings", async () => {
    const client = await clientFor((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "x-total-time": "3" });
        res.end(JSON.stringify({ echo: JSON.parse(body), path: req.url, type: req.headers["content-type"] }));
      });
    });
    const ex = await client.send({ path: "/rerank", json: { q: 1 } });
    expect(ex.status).toBe(200);
    expect(ex.headers["x-total-time"]).toBe("3");
    expect(ex.json).toEqual({ echo: { q: 1 }, path: "/rerank", type: "application/json" });
    expect(ex.timings.totalMs).toBeGreaterThanOrEqual(ex.timings.headersMs);
    expect(ex.request.method).toBe("POST");
  });

  it("keeps a base path when joining", async () => {
    const client = await clientFor((req, res) => res.end(req.url));
    const server = (client as unknown as { baseUrl: URL }).baseUrl;
    const nested = new HttpClient({ baseUrl: `${server.origin}/api/`, timeoutMs: 1_000 });
    cleanups.push(() => nested.close());
    expect((await nested.send({ path: "/v1/rerank" })).text).toBe("/api/v1/rerank");
  });

  it("times out on a server that never answers, within its timeout", async () => {
    const client = await clientFor(() => {});
    const started = Date.now();
    const err = await transportError(client.send({ path: "/", timeoutMs: 300 }));
    expect(err.isTimeout).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("times out on slow headers", async () => {
    const client = await clientFor((_req, res) => setTimeout(() => res.end("late"), 2_000).unref());
    const err = await transportError(client.send({ path: "/", timeoutMs: 250 }));
    expect(err.isTimeout).toBe(true);
    expect(err.elapsedMs).toBeLessThan(1_000);
  });

  it("times out on a body that trickles forever (the whole-exchange deadline)", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    const err = await transportError(client.send({ path: "/", timeoutMs: 400 }));
    expect(err.reason).toBe("ERR_REQUEST_TIMEOUT");
    expect(err.message).toContain("waiting for the body");
  });

  it("reports a connection reset", async () => {
    const client = await clientFor((req) => req.socket.destroy());
    expect((await transportError(client.send({ path: "/" }))).reason).toBe("ERR_CONNECTION_RESET");
  });

  it("reports a truncated body (Content-Length promised more)", async () => {
    const client = await clientFor((req, res) => {
      res.writeHead(200, { "content-length": "1000", "content-type": "application/json" });
      res.write('{"results": [');
      setTimeout(() => req.socket.destroy(), 20);
    });
    expect((await transportError(client.send({ path: "/" }))).reason).toBe("ERR_CONNECTION_RESET");
  });

  it("reports a refused connection", async () => {
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const client = new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1_000 });
    cleanups.push(() => client.close());
    expect((await transportError(client.send({ path: "/" }))).reason).toBe("ERR_CONNECTION_REFUSED");
  });

  it("reports a server that does not speak HTTP", async () => {
    const raw = createNetServer((s) => s.end("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => raw.close(() => r())));
    raw.on("connection", (s) => setTimeout(() => s.destroy(), 100));
    const client = new HttpClient({ baseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`, timeoutMs: 1_000 });
    cleanups.push(() => client.close());
    const err = await transportError(client.send({ path: "/" }));
    expect(err.reason).toBe("ERR_NOT_HTTP");
  });

  it("says to use http:// when an https:// URL reaches a plain HTTP server", async () => {
    const server = await startServer((_req, res) => res.end("{}"));
    const client = new HttpClient({ baseUrl: server.url.replace(/^http:/, "https:"), timeoutMs: 2_000 });
    cleanups.push(server.close, () => client.close());
    const err = await transportError(client.send({ method: "GET", path: "/" }));
    expect(err.message).toBe("the server answered plain HTTP to a TLS request; use http://");
  });

  it("cuts off an oversize body without buffering it whole (bounded memory)", async () => {
    const chunk = Buffer.alloc(64 * 1024, 97);
    const client = await clientFor(
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        const pump = () => {
          while (res.write(chunk)) if (res.writableLength > 1 << 20) break;
        };
        res.on("drain", pump);
        pump();
      },
      { maxResponseBytes: 1 << 20 },
    );
    const before = process.memoryUsage().heapUsed;
    const err = await transportError(client.send({ path: "/" }));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err.message).toContain("1 MiB cap");
    expect((err as ResponseTooLargeError).head.startsWith("aaaa")).toBe(true);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 << 20);
  });

  it("refuses a declared Content-Length over the cap before reading", async () => {
    const client = await clientFor(
      (_req, res) => {
        res.writeHead(200, { "content-length": String(10 << 20) });
        res.write("x");
      },
      { maxResponseBytes: 1 << 20 },
    );
    expect((await transportError(client.send({ path: "/" }))).reason).toBe("ERR_RESPONSE_TOO_LARGE");
  });

  it("caps bodies at 16 MiB by default: exactly 16 MiB is read, one byte more is refused", async () => {
    const MiB16 = 16 << 20;
    const body = Buffer.alloc(MiB16, 97);
    const client = await clientFor(
      (req, res) => {
        // /over declares one byte more than the cap; /streamed sends it without a length.
        if (req.url === "/over") res.writeHead(200, { "content-length": String(MiB16 + 1) });
        else if (req.url === "/streamed") res.writeHead(200, { "content-type": "application/json" });
        else res.writeHead(200, { "content-length": String(MiB16) });
        res.end(req.url === "/over" ? body.subarray(0, 10) : req.url === "/streamed" ? Buffer.concat([body, Buffer.from("a")]) : body);
      },
      { timeoutMs: 15_000 },
    ); // 16 MiB through a busy machine
    const exact = await client.send({ path: "/exact" });
    expect(exact.text.length).toBe(MiB16);
    const over = await transportError(client.send({ path: "/over" }));
    expect(over).toBeInstanceOf(ResponseTooLargeError);
    expect(over.message).toContain("16 MiB cap");
    const streamed = await transportError(client.send({ path: "/streamed" }));
    expect(streamed).toBeInstanceOf(ResponseTooLargeError);
    expect((streamed as ResponseTooLargeError).limitBytes).toBe(MiB16);
  }, 20_000);

  it("keeps HTML sent with status 200 as evidence instead of throwing", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>Gateway login</body></html>");
    });
    const ex = await client.send({ path: "/rerank", json: {} });
    expect(ex.status).toBe(200);
    expect(ex.json).toBeUndefined();
    expect(ex.jsonError).toMatch(/JSON/);
    expect(ex.text).toContain("Gateway login");
  });

  it("reports a redirect loop without following it", async () => {
    let hits = 0;
    const client = await clientFor((_req, res) => {
      hits++;
      res.writeHead(302, { location: "/rerank" });
      res.end();
    });
    const ex = await client.send({ path: "/rerank", json: {} });
    expect(ex.status).toBe(302);
    expect(ex.redirect).toEqual({ location: "/rerank" });
    expect(hits).toBe(1);
  });

  it("sends raw bodies with the given content type, or none", async () => {
    const client = await clientFor((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => res.end(JSON.stringify({ type: req.headers["content-type"] ?? null, body })));
    });
    expect((await client.send({ path: "/", rawBody: "{bad", contentType: "text/plain" })).json).toEqual({ type: "text/plain", body: "{bad" });
    expect((await client.send({ path: "/", rawBody: "{}", contentType: null })).json).toEqual({ type: null, body: "{}" });
  });

  it("rejects a base URL that is not http(s) with a typed error", () => {
    expect(() => new HttpClient({ baseUrl: "ftp://example.com" })).toThrow(/unsupported protocol/);
    expect(() => new HttpClient({ baseUrl: "not a url" })).toThrow(TransportError);
  });

  it("leaves no unhandled rejection behind after a burst of failures", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const client = await clientFor((req) => req.socket.destroy());
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.send({ path: "/", json: {} })));
      expect(results.every((r) => r.status === "rejected")).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
