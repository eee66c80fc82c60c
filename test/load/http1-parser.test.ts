import { describe, expect, it } from "vitest";
import { BodyTooLargeError, ParseError, ResponseParser, type ParsedResponse } from "../../src/load/http1/parser.js";

// The load generator's response parser, edge by edge (http1.test.ts has the framing basics).

function parser(cap = 1024) {
  const out: ParsedResponse[] = [];
  const p = new ResponseParser(cap, (r) => out.push(r));
  return { p, out, feed: (...chunks: Array<string | Buffer>) => chunks.forEach((c) => p.execute(typeof c === "string" ? Buffer.from(c, "latin1") : c)) };
}

function parse(...chunks: string[]): ParsedResponse[] {
  const { out, feed } = parser();
  feed(...chunks);
  return out;
}

const summary = (r: ParsedResponse) => [r.status, r.keepAlive, r.body.toString("latin1")];

describe("response head", () => {
  it("keeps up to 64 KiB of an unfinished head, refuses more", () => {
    const { p, feed } = parser();
    const head = "HTTP/1.1 200 OK\r\nX-Pad: ";
    feed(head + "a".repeat(64 * 1024 - head.length));
    expect(p.idle).toBe(false);
    expect(() => feed("a")).toThrow(new ParseError("response head over 65536 bytes"));
  });

  it("reads the status of HTTP/1.0 and 1.1 only, from a three-digit code", () => {
    expect(parse("HTTP/1.0 404 Not Found\r\nContent-Length: 1\r\n\r\nx").map(summary)).toEqual([[404, false, "x"]]);
    expect(parse("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n").map(summary)).toEqual([[503, true, ""]]);
    for (const line of ["HTTP/1.2 200 OK", "HTTP/2 200", "HTTP/1.1 20 OK", "http/1.1 200 OK", " HTTP/1.1 200 OK"]) {
      expect(() => parse(`${line}\r\n\r\n`), line).toThrow(`not an HTTP/1.x status line: "${line}"`);
    }
    expect(() => parse(`X${"y".repeat(100)}\r\n\r\n`)).toThrow(`not an HTTP/1.x status line: "X${"y".repeat(39)}"`);
  });

  it("refuses header lines without a name before the colon", () => {
    expect(() => parse("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")).toThrow('malformed header line "no colon here"');
    expect(() => parse("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n")).toThrow('malformed header line ": empty name"');
  });

  it("reads header names in any case and with spaces around names and values", () => {
    expect(parse("HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh :  3 \r\n\r\nabc").map(summary)).toEqual([[200, true, "abc"]]);
  });

  it("accepts a repeated Content-Length with the same value, refuses differing or non-numeric ones", () => {
    expect(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok").map(summary)).toEqual([[200, true, "ok"]]);
    expect(() => parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n")).toThrow('bad content-length "3"');
    for (const bad of ["+2", "-1", "2.0", "0x2", "2 2"])
      expect(() => parse(`HTTP/1.1 200 OK\r\nContent-Length: ${bad}\r\n\r\n`), bad).toThrow(`bad content-length "${bad}"`);
  });

  it("reads a chunked body when chunked is the last transfer coding (any case), and prefers it to Content-Length", () => {
    const body = "2\r\nok\r\n0\r\n\r\n";
    expect(parse(`HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n${body}`).map(summary)).toEqual([[200, true, "ok"]]);
    expect(parse(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n${body}`).map(summary)).toEqual([[200, true, "ok"]]);
    expect(() => parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")).toThrow('unsupported transfer-encoding "chunked, gzip"');
  });

  it("decides keep-alive from the version and the Connection header", () => {
    const ka = (version: string, connection?: string) =>
      parse(`HTTP/${version} 200 OK\r\n${connection === undefined ? "" : `Connection: ${connection}\r\n`}Content-Length: 0\r\n\r\n`)[0]!.keepAlive;
    expect([ka("1.1"), ka("1.1", "close"), ka("1.1", "Upgrade, Close"), ka("1.1", "closed"), ka("1.1", "keep-alive")]).toEqual([
      true,
      false,
      false,
      true,
      true,
    ]);
    expect([ka("1.0"), ka("1.0", "Keep-Alive"), ka("1.0", "keep-alives"), ka("1.0", "close")]).toEqual([false, true, false, false]);
  });

  it("collects x-*-time headers as server timings, skipping values that are not non-negative numbers", () => {
    const [res] = parse(
      "HTTP/1.1 200 OK\r\nX-Queue-Time: 1.5\r\nx-tokenization-time: 0\r\nX-Bad-Time: soon\r\nX-Neg-Time: -1\r\nX-Time: 3\r\nY-Total-Time: 4\r\nX-Total-Times: 5\r\nX-Total-Time: 7ms\r\nContent-Length: 0\r\n\r\n",
    );
    expect(res!.serverTimings).toEqual([
      ["x-queue-time", 1.5],
      ["x-tokenization-time", 0],
      ["x-total-time", 7],
    ]);
    expect(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")[0]!.serverTimings).toBeUndefined();
  });

  it("does not carry one response's timings into the next", () => {
    const res = parse("HTTP/1.1 200 OK\r\nX-Total-Time: 2\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    expect(res.map((r) => r.serverTimings)).toEqual([[["x-total-time", 2]], undefined]);
  });

  it("skips every 1xx but 101, which it refuses", () => {
    const res = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 199 Odd\r\nX-Total-Time: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    expect(res.map(summary)).toEqual([[200, true, "x"]]);
    expect(res[0]!.serverTimings).toBeUndefined();
    expect(() => parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")).toThrow("unexpected protocol upgrade");
  });

  it("204 and 304 have no body whatever their headers say; the next response follows at once", () => {
    const res = parse(
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    expect(res.map(summary)).toEqual([
      [304, true, ""],
      [204, true, ""],
      [200, true, "ok"],
    ]);
    expect(res[0]!.body).toBeInstanceOf(Buffer);
  });

  it("a Content-Length: 0 response is complete with its head, and the parser is idle again", () => {
    const { p, out, feed } = parser();
    feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    expect(out.map(summary)).toEqual([[200, true, ""]]);
    expect(p.idle).toBe(true);
    expect(() => p.finish()).not.toThrow();
  });
  it("a head that starts at once with the blank line has no status line", () => {
    expect(() => parse("\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")).toThrow('not an HTTP/1.x status line: ""');
  });

  it("counts the 64 KiB head limit from where the head starts, not from the start of the read", () => {
    const first = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    const { p, out, feed } = parser();
    const head = "HTTP/1.1 200 OK\r\nX-Pad: ";
    feed(first + head + "a".repeat(64 * 1024 - head.length));
    expect(out).toHaveLength(1);
    expect(p.idle).toBe(false);
    expect(() => feed("a")).toThrow("response head over 65536 bytes");
  });

  it("cuts a long malformed header line to 40 characters in the message", () => {
    expect(() => parse(`HTTP/1.1 200 OK\r\n${"n".repeat(60)}\r\n\r\n`)).toThrow(`malformed header line "${"n".repeat(40)}"`);
  });

  it("a repeated Content-Length after a 0 must be 0 too", () => {
    expect(() => parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n")).toThrow('bad content-length "5"');
  });

  it("takes any three-digit status outside 1xx as the response, even one under 100", () => {
    expect(parse("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n").map(summary)).toEqual([[99, true, ""]]);
  });
});

describe("bodies", () => {
  it("joins a body from many parts, exactly, and keeps it apart from the next response", () => {
    const { p, out, feed } = parser();
    feed("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab", "cd", "efHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n");
    expect(p.idle).toBe(false);
    feed("z");
    expect(out.map(summary)).toEqual([
      [200, true, "abcdef"],
      [201, true, "z"],
    ]);
    expect(p.idle).toBe(true);
  });

  it("reads chunk sizes in either hex case, with spaces and extensions", () => {
    const res = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "A \r\n0123456789\r\n", "b;name=v\r\nabcdefghijk\r\n", "0\r\n\r\n");
    expect(res.map(summary)).toEqual([[200, true, "0123456789abcdefghijk"]]);
  });

  it("refuses a chunk size that is not hex, or a chunk not followed by CRLF", () => {
    const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const line of ["zz", "-1", "", ";ext", "x1", "+1", "f".repeat(300)]) {
      expect(() => parse(head, `${line}\r\n`), line).toThrow(`bad chunk size "${line.slice(0, 40)}"`);
    }
    // Spaces around the size are tolerated.
    expect(parse(head, " 2 \r\nok\r\n0\r\n\r\n").map(summary)).toEqual([[200, true, "ok"]]);
    expect(() => parse(head, "2\r\nokXY")).toThrow("chunk not followed by CRLF");
    expect(() => parse(head, "2\r\nok\rX")).toThrow("chunk not followed by CRLF");
    expect(() => parse(head, "2\r\nok\nX")).toThrow("chunk not followed by CRLF");
    expect(() => parse(head, "2\r\nokX\n")).toThrow("chunk not followed by CRLF");
  });

  it("keeps up to 1 KiB of an unfinished chunk size line, refuses more", () => {
    const { feed } = parser();
    // In the same read as the head: the limit counts from where the line starts.
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(1022));
    expect(() => feed("e")).toThrow(new ParseError("chunk size line too long"));
  });

  it("keeps up to 64 KiB of an unfinished trailer line, refuses more", () => {
    const { feed } = parser();
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " + "t".repeat(64 * 1024 - 5));
    expect(() => feed("t")).toThrow(new ParseError("trailers too long"));
  });

  it("waits for the CRLF after a chunk when only its CR has arrived", () => {
    const { out, feed } = parser();
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r");
    feed("\n0\r\n\r\n");
    expect(out.map(summary)).toEqual([[200, true, "ok"]]);
  });

  it("completes a chunked body only after the empty line that ends the trailers", () => {
    const { out, feed } = parser();
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nA: 1\r\n");
    feed("B: 2\r\n");
    expect(out).toHaveLength(0);
    feed("\r\n");
    expect(out.map(summary)).toEqual([[200, true, "ok"]]);
  });

  it("an oversize declared length names the declared size; a counted one does not", () => {
    expect(() => parse("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n")).toThrow(new BodyTooLargeError(1024, 2048));
    expect(new BodyTooLargeError(1024, 2048).message).toBe("response body of 2048 bytes (Content-Length) exceeds the 1 KiB cap; reading stopped");
    expect(new BodyTooLargeError(1024).message).toBe("response body exceeds the 1 KiB cap; reading stopped");
    const err = new BodyTooLargeError(1024);
    expect([err.name, err.reason, err.limitBytes]).toEqual(["BodyTooLargeError", "ERR_RESPONSE_TOO_LARGE", 1024]);
    expect([new ParseError("x").name, new ParseError("x").reason]).toEqual(["ParseError", "ERR_NOT_HTTP"]);
  });

  it("a close-delimited body is not keep-alive and ends only at finish()", () => {
    const { p, out, feed } = parser();
    feed("HTTP/1.1 200 OK\r\n\r\n", "par", "tial");
    expect(p.idle).toBe(false);
    p.finish();
    expect(out.map(summary)).toEqual([[200, false, "partial"]]);
    expect(p.idle).toBe(true);
  });

  it("finish() with a head, a chunk or a length part-read is a ParseError", () => {
    for (const chunks of [
      ["HTTP/1.1 200"],
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\no"],
      ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no"],
    ]) {
      const { p, feed } = parser();
      feed(...chunks);
      expect(() => p.finish()).toThrow(new ParseError("connection closed before the response was complete"));
    }
  });
});
