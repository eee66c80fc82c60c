import { createHash, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { ApiError, apiErrorFromFramework } from "./http/api-error.js";
import { handleRerank, handleScore, shedError, type HandlerContext } from "./http/handlers.js";
import { ServerMetrics } from "./http/metrics.js";
import { loadReranker, type LoadRerankerOptions } from "./model.js";
import type { SubmitOptions } from "./scheduler.js";
import type { SessionLayout } from "./session-pool.js";
import { LoopLag } from "./http/loop-lag.js";
import { describeOnnxruntime, onnxruntimeInUse } from "../util/optional-deps.js";
import { SERVER_DEFAULTS } from "./defaults.js";

export interface ReferenceServerOptions {
  /** `bm25` (default), `tiny-bert`, a Hugging Face repo id or a model directory. */
  model?: string;
  /** The name to answer as (and to require in `model`); default: the model spec. */
  servedModelName?: string;
  host?: string;
  /** 0 picks a free port; default 8000. */
  port?: number;
  /** The bearer key required on every route but /health; undefined disables auth. */
  apiKey?: string;
  maxDocuments?: number;
  /** Scoring requests queued or running beyond which new ones are shed with 503 (a hard cap). */
  maxQueue?: number;
  /** Expected queueing time (ms) beyond which new requests are shed with 503; 0 turns it off. */
  maxQueueTimeMs?: number;
  /** Request body limit in bytes (413 above it). */
  bodyLimit?: number;
  logger?: (line: string) => void;
  /** Passed to the model loader (dtype, token budget, threads, hub options). */
  modelOptions?: LoadRerankerOptions;
}

export interface ReferenceServer {
  url: string;
  /** The onnxruntime serving it, e.g. "onnxruntime-node 1.17.0, bundled CPU runtime". */
  runtime: string;
  /** How inference is spread over the cores: sessions side by side, intra-op threads each. */
  layout: SessionLayout;
  port: number;
  modelName: string;
  /** Graceful: refuses new requests, finishes in-flight ones, then frees the model. */
  close(): Promise<void>;
}

export { SERVER_DEFAULTS };

const RERANK_ROUTES = ["/rerank", "/v1/rerank", "/v2/rerank"];
const SCORE_ROUTES = ["/score", "/v1/score"];
const SCORING_ROUTES = new Set([...RERANK_ROUTES, ...SCORE_ROUTES]);

/** Starts the embedded reference reranker: vLLM-shaped /rerank and /score plus health and metrics. */
export async function startReferenceServer(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const spec = options.model ?? SERVER_DEFAULTS.model;
  const modelName = options.servedModelName ?? spec;
  const log = options.logger ?? (() => {});
  let metrics: ServerMetrics | undefined;
  const maxQueueTimeMs = options.maxQueueTimeMs ?? SERVER_DEFAULTS.maxQueueTimeMs;
  // Tokenizing runs on this thread: when it falls behind, requests wait here before admission.
  const loopLag = new LoopLag();
  const reranker = await loadReranker(spec, {
    hostWaitSeconds: () => loopLag.seconds,
    // A lone request's costliest batch runs on this thread (InlineSession): the server is idle then.
    inline: true,
    ...options.modelOptions,
    maxQueue: options.maxQueue ?? SERVER_DEFAULTS.maxQueue,
    maxQueueSeconds: maxQueueTimeMs > 0 ? maxQueueTimeMs / 1000 : undefined,
    onBatch: (pairs, tokens) => {
      metrics?.batchSize.observe(pairs);
      metrics?.batchTokens.observe(tokens);
    },
    onCancelledPairs: (pairs) => metrics?.cancelledPairs.inc(pairs),
    onQueueTime: (seconds) => metrics?.queueTime.observe(seconds),
  }).catch((err: unknown) => {
    loopLag.stop();
    throw err;
  });
  metrics = new ServerMetrics(() => reranker.queueDepth);
  const m = metrics;
  const ctx: HandlerContext = {
    reranker,
    modelName,
    maxDocuments: options.maxDocuments ?? SERVER_DEFAULTS.maxDocuments,
    onShed: (reason) => m.shed.inc({ reason }),
  };
  let closing = false;

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? SERVER_DEFAULTS.bodyLimit,
    return503OnClosing: false,
    forceCloseConnections: "idle",
  });
  // Only JSON bodies: anything else is refused with vLLM's 400, not parsed as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));

  const send = (reply: FastifyReply, err: ApiError) => reply.code(err.status).headers(err.headers).send(err.toBody());
  const keyDigest = options.apiKey === undefined ? undefined : digest(options.apiKey);

  app.addHook("onRequest", async (request, reply) => {
    if (closing) {
      reply.header("connection", "close");
      return send(reply, new ApiError(503, "The server is shutting down.", null, { "retry-after": "1" }));
    }
    if (keyDigest && request.url.split("?")[0] !== "/health") {
      const header = request.headers.authorization ?? "";
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? "";
      if (!timingSafeEqual(digest(token), keyDigest)) {
        reply.header("www-authenticate", "Bearer");
        return send(reply, new ApiError(401, "Unauthorized: a valid bearer API key is required"));
      }
    }
    // While overloaded, refuse scoring requests before their bodies are read: when the HTTP
    // thread itself falls behind, parsing requests only to refuse them would delay everyone.
    if (request.method === "POST" && SCORING_ROUTES.has(request.routeOptions.url ?? "")) {
      const refused = reranker.refusal();
      if (refused) return send(reply, shedError(ctx, refused));
    }
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    // Let clients drop keep-alive sockets while we drain, so close() does not wait on them.
    if (closing) reply.header("connection", "close");
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    m.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    m.latency.observe({ route }, reply.elapsedTime / 1000);
  });
  app.setErrorHandler((error, _request, reply) => {
    const apiError = error instanceof ApiError ? error : apiErrorFromFramework(error as never);
    if (!(error instanceof ApiError) && apiError.status >= 500) log(`internal error: ${(error as Error).stack ?? String(error)}`);
    return send(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => send(reply, new ApiError(404, `Route ${request.method} ${request.url.split("?")[0]} not found`)));

  const requireJson = async (request: FastifyRequest) => {
    // Bodiless POSTs never reach a parser; vLLM refuses them for their content type too.
    const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") throw new ApiError(400, "Unsupported Media Type: Only 'application/json' is allowed");
  };
  for (const url of RERANK_ROUTES) {
    app.post(url, { preValidation: requireJson }, (request, reply) => handleRerank(ctx, request.body, submitOptions(request, reply)));
  }
  for (const url of SCORE_ROUTES) {
    app.post(url, { preValidation: requireJson }, (request, reply) => handleScore(ctx, request.body, submitOptions(request, reply)));
  }
  app.get("/v1/models", async () => ({
    object: "list",
    data: [
      {
        id: modelName,
        object: "model",
        created: Math.floor(Date.now() / 1000),
        owned_by: "rerank-harness",
        root: spec,
        parent: null,
        max_model_len: reranker.maxLength,
      },
    ],
  }));
  app.get("/health", async (_request, reply) => reply.code(200).send(""));
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", m.registry.contentType);
    return m.registry.metrics();
  });

  const host = options.host ?? SERVER_DEFAULTS.host;
  try {
    await app.listen({ host, port: options.port ?? SERVER_DEFAULTS.port });
  } catch (err) {
    await reranker.close();
    loopLag.stop();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? SERVER_DEFAULTS.port);
  const url = `http://${urlHost(host)}:${port}`;
  // (`serve` prints the one ready line itself, on stdout, with the runtime in use.)

  let closed: Promise<void> | undefined;
  const ort = onnxruntimeInUse();
  return {
    url,
    port,
    modelName,
    runtime: ort ? describeOnnxruntime(ort) : "onnxruntime-node",
    layout: reranker.layout,
    close() {
      closed ??= (async () => {
        closing = true;
        await app.close();
        await reranker.close();
        loopLag.stop();
      })();
      return closed;
    },
  };
}

/** Client deadline header: milliseconds the client will wait, from when the request arrived. */
export const DEADLINE_HEADER = "x-request-timeout-ms";

/**
 * How the scheduler learns that nobody waits any more: the connection closed before the answer
 * was written (the client gave up), or the client's own deadline (DEADLINE_HEADER) passed.
 */
export function submitOptions(request: FastifyRequest, reply: FastifyReply): SubmitOptions {
  const aborted = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) aborted.abort();
  });
  // The client may have gone before this handler ran (while this thread was busy): its
  // 'close' has then already fired.
  if (reply.raw.destroyed || request.raw.socket?.destroyed) aborted.abort();
  const header = request.headers[DEADLINE_HEADER];
  if (header === undefined) return { signal: aborted.signal };
  const text = Array.isArray(header) ? header[0]! : header;
  if (!/^\d{1,9}$/.test(text.trim()) || Number(text) === 0) {
    throw new ApiError(400, `${DEADLINE_HEADER} must be a positive whole number of milliseconds, got "${text}"`, DEADLINE_HEADER);
  }
  // Time already spent reading and parsing the body counts against the client's deadline.
  const spent = reply.elapsedTime;
  return { signal: aborted.signal, deadlineMs: Math.max(1, Number(text) - spent) };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
