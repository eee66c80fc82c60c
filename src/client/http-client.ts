import { performance } from "node:perf_hooks";
import { Agent, errors as undiciErrors, type Dispatcher } from "undici";
import { ResponseTooLargeError, TransportError, type TransportErrorCode } from "./errors.js";
import { reportExchange } from "./exchange-recording.js";
import { redact, redactHeaders, registerSecret } from "./secrets.js";
import { DEFAULT_TIMEOUT_MS } from "../util/defaults.js";

export { DEFAULT_TIMEOUT_MS } from "../util/defaults.js";
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** How much of a request body an exchange keeps as evidence. */
const EVIDENCE_BODY_CHARS = 2_000;

export interface HttpClientOptions {
  baseUrl: string;
  /** The key's value (read from the environment by the caller); sent as a bearer token. */
  apiKey?: string;
  /** Whole-exchange deadline: connect, headers and body together. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Sockets per origin; the load generator raises it. */
  connections?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

export interface SendOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH";
  path: string;
  /** Serialised as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent byte for byte (for malformed-body checks); pair with `contentType`. */
  rawBody?: string;
  /** Overrides the content type; `null` sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** false: send no Authorization header; a string: send that value instead of the key. */
  auth?: boolean | string;
  timeoutMs?: number;
}

export interface ExchangeTimings {
  /** performance.now() when the request was handed to the socket pool. */
  startedAt: number;
  /** Until the status line and headers arrived. */
  headersMs: number;
  /** Until the last body byte. */
  totalMs: number;
}

/** What was sent, redacted, as evidence for reports. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpExchange {
  request: SentRequest;
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Present when the body parsed as JSON. */
  json?: unknown;
  /** Why the body did not parse as JSON (the text is kept as evidence, nothing is thrown). */
  jsonError?: string;
  /** A 3xx is reported, never followed. */
  redirect?: { location: string | undefined };
  timings: ExchangeTimings;
}

/**
 * The one HTTP client of the harness (undici, keep-alive). Every timeout is explicit, bodies
 * are read under a size cap, redirects are reported rather than followed, and HTTP errors
 * come back as exchanges: only transport failures throw (TransportError).
 */
export class HttpClient {
  readonly baseUrl: URL;
  private readonly agent: Agent;
  private readonly options: Required<Omit<HttpClientOptions, "apiKey" | "headers" | "baseUrl">> & Pick<HttpClientOptions, "apiKey" | "headers">;

  constructor(options: HttpClientOptions) {
    this.baseUrl = parseBaseUrl(options.baseUrl);
    registerSecret(options.apiKey);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.options = {
      apiKey: options.apiKey,
      headers: options.headers,
      timeoutMs,
      connectTimeoutMs: Math.min(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, timeoutMs),
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      connections: options.connections ?? 64,
    };
    this.agent = new Agent({
      connect: { timeout: this.options.connectTimeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 10_000,
      connections: this.options.connections,
    });
  }

  async send(req: SendOptions): Promise<HttpExchange> {
    const method = req.method ?? (req.json !== undefined || req.rawBody !== undefined ? "POST" : "GET");
    const url = new URL(joinPath(this.baseUrl.pathname, req.path), this.baseUrl);
    const body = req.rawBody ?? (req.json !== undefined ? JSON.stringify(req.json) : undefined);
    const headers = this.headersFor(req, body !== undefined);
    const sent: SentRequest = {
      method,
      url: redact(url.toString()),
      headers: redactHeaders(headers),
      ...(body !== undefined ? { body: redact(truncate(body, EVIDENCE_BODY_CHARS)) } : {}),
    };

    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const startedAt = performance.now();
    // For the exchange recording (--har), which redacts as it writes.
    const asSent = { method, url: url.toString(), headers, body, startedAt };
    let headersMs = 0;
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body,
        signal: deadline.signal,
      });
      headersMs = performance.now() - startedAt;
      const responseHeaders = flattenHeaders(res.headers);
      const text = await readCapped(res.body, this.options.maxResponseBytes, startedAt, responseHeaders["content-length"]);
      const totalMs = performance.now() - startedAt;
      const exchange: HttpExchange = {
        request: sent,
        status: res.statusCode,
        headers: responseHeaders,
        text,
        timings: { startedAt, headersMs, totalMs },
      };
      if (res.statusCode >= 300 && res.statusCode < 400) exchange.redirect = { location: responseHeaders["location"] };
      parseJsonInto(exchange);
      reportExchange({ ...asSent, response: { status: res.statusCode, headers: responseHeaders, text, headersMs, totalMs } });
      return exchange;
    } catch (err) {
      const error = toTransportError(err, performance.now() - startedAt, deadline.signal.aborted, timeoutMs, headersMs > 0);
      reportExchange({
        ...asSent,
        error: { message: `${error.reason}: ${error.message}`, elapsedMs: error.elapsedMs },
      });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private headersFor(req: SendOptions, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: "application/json", ...this.options.headers, ...req.headers };
    const contentType = req.contentType === undefined ? (hasBody ? "application/json" : undefined) : req.contentType;
    if (contentType) headers["content-type"] = contentType;
    const auth = req.auth ?? true;
    if (typeof auth === "string") headers["authorization"] = auth;
    else if (auth && this.options.apiKey) headers["authorization"] = `Bearer ${this.options.apiKey}`;
    return headers;
  }
}

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TransportError("ERR_INVALID_URL", `not a URL: ${redact(raw)}`, 0);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TransportError("ERR_INVALID_URL", `unsupported protocol ${url.protocol} (http: or https: only)`, 0);
  }
  return url;
}

/** Keeps a base path such as `https://host/api` when appending `/rerank`. */
function joinPath(basePath: string, path: string): string {
  return basePath.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/** Reads the body as UTF-8, stopping (and destroying the stream) past the cap. */
async function readCapped(body: Dispatcher.ResponseData["body"], maxBytes: number, startedAt: number, contentLength: string | undefined): Promise<string> {
  if (contentLength !== undefined && Number(contentLength) > maxBytes) {
    // Destroying an unread body emits an AbortError; unheard, it would crash the process.
    body.on("error", () => {});
    body.destroy();
    throw new ResponseTooLargeError(maxBytes, performance.now() - startedAt, "");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      chunks.push(buf);
      const head = Buffer.concat(chunks).subarray(0, 512).toString("utf8");
      body.destroy();
      throw new ResponseTooLargeError(maxBytes, performance.now() - startedAt, head);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

function parseJsonInto(exchange: HttpExchange): void {
  if (exchange.text.length === 0) {
    exchange.jsonError = "empty body";
    return;
  }
  try {
    exchange.json = JSON.parse(exchange.text);
  } catch (err) {
    exchange.jsonError = (err as Error).message;
  }
}

const UNDICI_CODES: Record<string, TransportErrorCode> = {
  UND_ERR_CONNECT_TIMEOUT: "ERR_CONNECT_TIMEOUT",
  UND_ERR_HEADERS_TIMEOUT: "ERR_HEADERS_TIMEOUT",
  UND_ERR_BODY_TIMEOUT: "ERR_BODY_TIMEOUT",
  UND_ERR_SOCKET: "ERR_CONNECTION_RESET",
  UND_ERR_CLOSED: "ERR_CONNECTION_RESET",
  ECONNREFUSED: "ERR_CONNECTION_REFUSED",
  ECONNRESET: "ERR_CONNECTION_RESET",
  EPIPE: "ERR_CONNECTION_RESET",
  UND_ERR_HEADERS_OVERFLOW: "ERR_NOT_HTTP",
  UND_ERR_RESPONSE_STATUS_CODE: "ERR_NOT_HTTP",
  HPE_INVALID_CONSTANT: "ERR_NOT_HTTP",
};

/** Classifies what undici or the socket threw (exported for its unit tests: most causes cannot be provoked on loopback). */
export function toTransportError(err: unknown, elapsedMs: number, deadlineHit: boolean, timeoutMs: number, gotHeaders: boolean): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  if (deadlineHit) {
    const phase = gotHeaders ? "the body" : "the response";
    return new TransportError("ERR_REQUEST_TIMEOUT", `no complete response within ${timeoutMs} ms (waiting for ${phase})`, elapsedMs);
  }
  const code = e.code ?? e.cause?.code ?? "";
  const mapped = UNDICI_CODES[code] ?? (code.startsWith("HPE_") ? "ERR_NOT_HTTP" : "ERR_TRANSPORT");
  const detail = redact(e.cause?.message ?? e.message ?? String(err));
  if (e instanceof undiciErrors.HTTPParserError || e?.name === "HTTPParserError") {
    return new TransportError("ERR_NOT_HTTP", `not a valid HTTP response: ${detail}`, elapsedMs);
  }
  // OpenSSL's "wrong version number": the first bytes back were not TLS, typically plain HTTP.
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || /wrong version number/.test(detail)) {
    return new TransportError("ERR_TRANSPORT", "the server answered plain HTTP to a TLS request; use http://", elapsedMs);
  }
  if (e instanceof undiciErrors.BodyTimeoutError) return new TransportError("ERR_BODY_TIMEOUT", `body stalled past ${timeoutMs} ms`, elapsedMs);
  if (e instanceof undiciErrors.HeadersTimeoutError) return new TransportError("ERR_HEADERS_TIMEOUT", `no headers within ${timeoutMs} ms`, elapsedMs);
  return new TransportError(mapped, `${describe(mapped)}: ${detail}`, elapsedMs);
}

function describe(code: TransportErrorCode): string {
  switch (code) {
    case "ERR_CONNECT_TIMEOUT":
      return "connect timed out";
    case "ERR_CONNECTION_REFUSED":
      return "connection refused";
    case "ERR_CONNECTION_RESET":
      return "connection reset or closed";
    case "ERR_NOT_HTTP":
      return "not a valid HTTP response";
    default:
      return "transport error";
  }
}
