import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getDialect } from "../../src/contract/registry.js";
import { BodyTooLargeError, ParseError, ResponseParser, type ParsedResponse } from "../../src/load/http1/parser.js";
import { Sender, type Completion } from "../../src/load/sender.js";
import { startTestServer, vllmBody, type TestServer } from "./servers.js";

function parse(...chunks: string[]): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  const p = new ResponseParser(1024, (r) => out.push(r));
  for (const c of chunks) p.execute(Buffer.from(c, "latin1"));
  return out;
}

describe("HTTP/1.1 response parser", () => {
  it("reads content-length bodies split anywhere, several responses in a row, and server timing headers", () => {
    const one = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Total-Time: 12\r\nx-inference-time: 9.5\r\n\r\nhello";
    const text = one + one.replace("hello", "world");
    for (let cut = 1; cut < text.length; cut += 7) {
      const res = parse(text.slice(0, cut), text.slice(cut));
      expect(res.map((r) => r.body.toString())).toEqual(["hello", "world"]);
      expect(res[0]!.serverTimings).toEqual([
        ["x-total-time", 12],
        ["x-inference-time", 9.5],
      ]);
      expect(res[0]!.keepAlive).toBe(true);
    }
  });

  it("reads chunked bodies with extensions and trailers, byte by byte", () => {
    const text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n";
    expect(parse(...text.split("")).map((r) => r.body.toString())).toEqual(["Wikipedia"]);
  });

  it("skips 1xx, handles 204, connection: close and close-delimited bodies", () => {
    const res = parse(
      "HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
    );
    expect(res.map((r) => [r.status, r.keepAlive, r.body.toString()])).toEqual([
      [204, true, ""],
      [200, false, "ok"],
    ]);
    const out: ParsedResponse[] = [];
    const p = new ResponseParser(1024, (r) => out.push(r));
    p.execute(Buffer.from("HTTP/1.0 200 OK\r\n\r\npartial "));
    p.execute(Buffer.from("body"));
    expect(out).toHaveLength(0);
    p.finish();
    expect(out.map((r) => [r.keepAlive, r.body.toString()])).toEqual([[false, "partial body"]]);
  });

  it("rejects what it does not understand, and truncated or oversize responses", () => {
    expect(() => parse("SSH-2.0-OpenSSH\r\n\r\n")).toThrow(ParseError);
    expect(() => parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")).toThrow(/content-length/);
    expect(() => parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")).toThrow(/transfer-encoding/);
    expect(() => parse("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n")).toThrow(/cap/);
    const p = new ResponseParser(1024, () => {});
    p.execute(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"));
    expect(() => p.finish()).toThrow(/closed before/);
  });
});

describe("the body cap holds whatever the framing (bounded heap)", () => {
  const head = {
    length: "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n",
    chunked: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    close: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
  };
  const chunk = (n: number) => `${n.toString(16)}\r\n${"a".repeat(n)}\r\n`;

  it("accepts a body of exactly the cap in every framing", () => {
    expect(parse(head.length.replace("%d", "1024") + "a".repeat(1024))[0]!.body.length).toBe(1024);
    expect(parse(head.chunked, chunk(1000), chunk(24), "0\r\n\r\n")[0]!.body.length).toBe(1024);
    const out: ParsedResponse[] = [];
    const p = new ResponseParser(1024, (r) => out.push(r));
    p.execute(Buffer.from(head.close + "a".repeat(1024)));
    p.finish();
    expect(out[0]!.body.length).toBe(1024);
  });

  it("stops at the cap with its own error (not 'not HTTP'): declared, chunked and close-delimited", () => {
    const cases: string[][] = [
      [head.length.replace("%d", "1025")],
      [head.chunked, chunk(1000), chunk(25)],
      [head.chunked, chunk(1025)],
      [head.close, "a".repeat(1000), "a".repeat(25)],
    ];
    for (const chunks of cases) {
      let err: unknown;
      try {
        parse(...chunks);
      } catch (e) {
        err = e;
      }
      expect(err, chunks[0]).toBeInstanceOf(BodyTooLargeError);
      expect(err).not.toBeInstanceOf(ParseError);
      expect((err as BodyTooLargeError).reason).toBe("ERR_RESPONSE_TOO_LARGE");
      expect((err as Error).message).toMatch(/exceeds the 1 KiB cap/);
    }
  });

  let raw: NetServer | undefined;
  afterEach(() => {
    raw?.close();
    raw = undefined;
  });

  it("the load generator cuts off chunked and close-delimited bodies past 16 MiB (counted as invalid_body)", async () => {
    const slab = Buffer.alloc(1 << 20, 97);
    // Answers 24 MiB: on odd connections chunked, on even ones until the connection closes.
    let n = 0;
    raw = createNetServer((socket) => {
      const chunked = n++ % 2 === 0;
      socket.once("data", () => {
        socket.write(chunked ? head.chunked : head.close);
        let sent = 0;
        const pump = (): void => {
          while (sent < 24) {
            sent++;
            const ok = socket.write(chunked ? Buffer.concat([Buffer.from(`${slab.length.toString(16)}\r\n`), slab, Buffer.from("\r\n")]) : slab);
            if (!ok) return void socket.once("drain", pump);
          }
          socket.end(chunked ? "0\r\n\r\n" : "");
        };
        pump();
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => raw!.listen(0, "127.0.0.1", resolve));
    const { port } = raw.address() as AddressInfo;
    const sender = new Sender({ baseUrl: `http://127.0.0.1:${port}`, path: "/rerank", dialect: getDialect("vllm"), timeoutMs: 10_000, connections: 1 });
    const request = sender.prepare("{}");
    const results = [await send(sender, request), await send(sender, request)];
    await sender.close();
    for (const r of results) {
      expect(r.errorClass).toBe("invalid_body");
      expect(r.error).toMatch(/ERR_RESPONSE_TOO_LARGE: response body exceeds the 16 MiB cap/);
    }
    expect(n).toBe(2); // one connection per answer: the cut-off one is not reused
  }, 30_000);
});

describe("Sender against real servers", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("works with chunked responses and servers that close after each response", async () => {
    let n = 0;
    server = await startTestServer((_req, res) => {
      // No content-length: node's server answers chunked; every other one also closes.
      res.writeHead(200, { "content-type": "application/json", ...(n++ % 2 ? { connection: "close" } : {}) });
      res.write(vllmBody().slice(0, 10));
      res.end(vllmBody().slice(10));
    });
    const sender = new Sender({ baseUrl: `${server.url}/base/`, path: "/rerank", dialect: getDialect("vllm"), timeoutMs: 5_000, connections: 4 });
    const request = sender.prepare(JSON.stringify({ query: "q", documents: ["d"] }));
    const results = await Promise.all(Array.from({ length: 20 }, () => send(sender, request)));
    await sender.close();
    expect(results.filter((r) => r.errorClass === undefined)).toHaveLength(20);
    expect(server.received).toBe(20);
  });

  it("speaks TLS (https base URL)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rh-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-days",
        "1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const https = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (req, res) => {
      req.resume();
      req.on("end", () => res.end(vllmBody()));
    });
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = https.address() as AddressInfo;
      const sender = new Sender({
        baseUrl: `https://127.0.0.1:${port}`,
        path: "/rerank",
        dialect: getDialect("vllm"),
        timeoutMs: 5_000,
        connections: 2,
        ca: readFileSync(join(dir, "cert.pem")),
      });
      const request = sender.prepare("{}");
      const results = await Promise.all([send(sender, request), send(sender, request), send(sender, request)]);
      await sender.close();
      expect(results.map((r) => r.errorClass ?? r.status)).toEqual([200, 200, 200]);
    } finally {
      https.closeAllConnections();
      https.close();
    }
  }, 20_000);
});

/** One request through the sender's only entry point, `start`, as a promise. */
function send(sender: Sender, request: ReturnType<Sender["prepare"]>): Promise<Completion> {
  return new Promise((resolve) => sender.start(request, resolve));
}
