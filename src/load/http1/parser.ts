// A small HTTP/1.1 response parser for the load generator's hot path: status, the few headers
// the generator reads, and the body framed by Content-Length, chunked encoding or connection
// close. It reads responses to requests it sent itself (POST, no Expect, no upgrade), so it can
// be this small; anything it does not understand is a ParseError, never a guess.

import { formatBytes } from "../../client/errors.js";
import { HarnessError } from "../../util/errors.js";

export interface ParsedResponse {
  status: number;
  /** Whether the connection may carry another request. */
  keepAlive: boolean;
  /** `x-*-time` headers (TEI's server timing split), lower-cased, in milliseconds. */
  serverTimings: Array<[string, number]> | undefined;
  body: Buffer;
}

/** Not an HTTP response: recorded as a connection error, never thrown past the load generator. */
export class ParseError extends HarnessError {
  readonly code = "RH_HTTP_PARSE";
  readonly kind = "failed";
  readonly reason = "ERR_NOT_HTTP";
}

/** A response body past the cap: valid HTTP, but more than a rerank answer can be (same code as the checks' client). */
export class BodyTooLargeError extends HarnessError {
  readonly code = "RH_BODY_TOO_LARGE";
  readonly kind = "failed";
  readonly reason = "ERR_RESPONSE_TOO_LARGE";
  constructor(
    readonly limitBytes: number,
    /** The Content-Length the server declared, when that is what gave it away. */
    declared?: number,
  ) {
    super(
      `response body ${declared === undefined ? "exceeds" : `of ${declared} bytes (Content-Length) exceeds`} the ${formatBytes(limitBytes)} cap; reading stopped`,
    );
  }
}

const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 1024;
const SERVER_TIMING = /^x-[a-z0-9-]+-time$/;

type State = "head" | "length" | "chunk-size" | "chunk-data" | "chunk-crlf" | "trailers" | "until-close";

export class ResponseParser {
  private state: State = "head";
  private pending: Buffer | undefined;
  private status = 0;
  private keepAlive = true;
  private serverTimings: Array<[string, number]> | undefined;
  private remaining = 0;
  private parts: Buffer[] = [];
  private size = 0;

  constructor(
    /** Body cap, whatever the framing; past it the response is a BodyTooLargeError. */
    private readonly maxBodyBytes: number,
    private readonly onResponse: (res: ParsedResponse) => void,
  ) {}

  /** True between responses (no partial response buffered). */
  get idle(): boolean {
    return this.state === "head" && this.pending === undefined;
  }

  /** Feeds bytes from the socket; calls onResponse for each complete response. Throws ParseError or BodyTooLargeError. */
  execute(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (at < buf.length) {
      switch (this.state) {
        case "head": {
          const end = buf.indexOf(HEAD_END, at);
          if (end < 0) {
            if (buf.length - at > MAX_HEAD_BYTES) throw new ParseError(`response head over ${MAX_HEAD_BYTES} bytes`);
            this.pending = buf.subarray(at);
            return;
          }
          this.readHead(buf.toString("latin1", at, end));
          at = end + 4;
          break;
        }
        case "length": {
          const take = Math.min(this.remaining, buf.length - at);
          this.append(buf.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case "until-close": {
          this.append(buf.subarray(at));
          at = buf.length;
          break;
        }
        case "chunk-size": {
          const eol = buf.indexOf(CRLF, at);
          if (eol < 0) {
            if (buf.length - at > MAX_CHUNK_LINE) throw new ParseError("chunk size line too long");
            this.pending = buf.subarray(at);
            return;
          }
          const line = buf.toString("latin1", at, eol);
          const size = Number.parseInt(line.split(";", 1)[0]!.trim(), 16);
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(line.trim())) throw new ParseError(`bad chunk size "${line.slice(0, 40)}"`);
          at = eol + 2;
          if (size === 0) this.state = "trailers";
          else {
            this.remaining = size;
            this.state = "chunk-data";
          }
          break;
        }
        case "chunk-data": {
          const take = Math.min(this.remaining, buf.length - at);
          this.append(buf.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = "chunk-crlf";
          break;
        }
        case "chunk-crlf": {
          if (buf.length - at < 2) {
            this.pending = buf.subarray(at);
            return;
          }
          if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a) throw new ParseError("chunk not followed by CRLF");
          at += 2;
          this.state = "chunk-size";
          break;
        }
        case "trailers": {
          const eol = buf.indexOf(CRLF, at);
          if (eol < 0) {
            if (buf.length - at > MAX_HEAD_BYTES) throw new ParseError("trailers too long");
            this.pending = buf.subarray(at);
            return;
          }
          const empty = eol === at;
          at = eol + 2;
          if (empty) this.complete();
          break;
        }
      }
    }
  }

  /** The socket ended: completes a close-delimited body; throws if a response was cut short. */
  finish(): void {
    if (this.state === "until-close") {
      this.keepAlive = false;
      this.complete();
      return;
    }
    if (!this.idle) throw new ParseError("connection closed before the response was complete");
  }

  private readHead(head: string): void {
    const lines = head.split("\r\n");
    const statusLine = lines[0]!;
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
    if (!m) throw new ParseError(`not an HTTP/1.x status line: "${statusLine.slice(0, 40)}"`);
    const http10 = m[1] === "0";
    const status = Number(m[2]);
    let contentLength = -1;
    let chunked = false;
    let connection = "";
    let timings: Array<[string, number]> | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new ParseError(`malformed header line "${line.slice(0, 40)}"`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") {
        const n = Number(value);
        if (!/^\d+$/.test(value) || (contentLength >= 0 && contentLength !== n)) throw new ParseError(`bad content-length "${value}"`);
        contentLength = n;
      } else if (name === "transfer-encoding") {
        chunked = value.toLowerCase().split(",").pop()!.trim() === "chunked";
        if (!chunked) throw new ParseError(`unsupported transfer-encoding "${value}"`);
      } else if (name === "connection") {
        connection = value.toLowerCase();
      } else if (name.charCodeAt(0) === 0x78 && SERVER_TIMING.test(name)) {
        const ms = Number.parseFloat(value);
        if (Number.isFinite(ms) && ms >= 0) (timings ??= []).push([name, ms]);
      }
    }
    // 1xx (e.g. 103 Early Hints) come before the real response.
    if (status >= 100 && status < 200) {
      if (status === 101) throw new ParseError("unexpected protocol upgrade");
      return;
    }
    this.status = status;
    this.serverTimings = timings;
    this.keepAlive = http10 ? /\bkeep-alive\b/.test(connection) : !/\bclose\b/.test(connection);
    if (status === 204 || status === 304) this.complete();
    else if (chunked) this.state = "chunk-size";
    else if (contentLength >= 0) {
      if (contentLength > this.maxBodyBytes) throw new BodyTooLargeError(this.maxBodyBytes, contentLength);
      this.remaining = contentLength;
      this.state = "length";
      if (contentLength === 0) this.complete();
    } else {
      this.keepAlive = false;
      this.state = "until-close";
    }
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.size += part.length;
    if (this.size > this.maxBodyBytes) throw new BodyTooLargeError(this.maxBodyBytes);
    this.parts.push(part);
  }

  private complete(): void {
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    const res: ParsedResponse = { status: this.status, keepAlive: this.keepAlive, serverTimings: this.serverTimings, body };
    this.state = "head";
    this.parts = [];
    this.size = 0;
    this.serverTimings = undefined;
    this.onResponse(res);
  }
}
