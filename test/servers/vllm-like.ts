import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small, faithful vLLM-like rerank server (vllm entrypoints/pooling/scoring/serving.py, openai/server_utils.py) with a fault switch: each
 * fault breaks one rule of the contract, so the self-test can assert that the check meant
 * to catch it does. The scorer is lexical (shared content words → sigmoid), deterministic,
 * and independent of batch and position, like a cross-encoder should be.
 */
export const FAULTS = {
  unsorted: "results in input order instead of by score",
  ascending: "results sorted lowest score first",
  top_n_ignored: "top_n is ignored: all results come back",
  top_n_off_by_one: "top_n returns one result too many",
  top_n_zero_empty: "top_n=0 returns no results (vLLM returns all)",
  top_n_worst: "top_n keeps the k lowest-scoring results (sorted, right count)",
  score_out_of_range: "scores are scaled outside [0, 1]",
  null_score: "one relevance_score is null",
  string_score: "relevance_score is a string",
  shifted_indices: "indices are 1-based",
  duplicated_indices: "every result repeats the first index",
  missing_document: "results carry no document",
  document_bare_string: "document is a bare string, not {text}",
  echo_trimmed: "echoed documents are trimmed",
  unicode_mangled: "non-ASCII characters are replaced by '?'",
  empty_documents_200: "an empty documents list is answered 200 with no results",
  malformed_json_500: "malformed JSON crashes to 500",
  non_object_500: "a non-object JSON body crashes to 500",
  missing_field_500: "a missing query crashes to 500",
  empty_string_500: "an empty-string document crashes to 500",
  nondeterministic: "scores carry random noise between calls",
  position_dependent: "scores depend on the document's position",
  small_scores_position_dependent: "weak matches score 0.001 × (1 + position): small scores depend on position",
  batch_dependent: "scores are normalised across the batch",
  constant: "every document scores 0.5",
  relevant_last: "scores are inverted: the relevant document comes last",
  wrong_content_type: "success bodies are sent as text/plain",
  non_json_error_body: "errors are plain-text bodies, not the JSON envelope",
  unknown_model_accepted: "any model name is accepted",
  alias_disagrees: "/v1/rerank answers with different scores than /rerank",
  too_long_500: "an over-long input crashes to 500",
  double_sigmoid: "a sigmoid applied to scores that are already probabilities: all in [0.5, 0.731] (node-llama-cpp#617)",
  concurrency_dependent: "scores drop 12% for each other request in flight (dynamic batching in bf16)",
  intermittent_refusal: 'every 4th valid request is refused: 400 "The model does not support Rerank (Score) API" (vllm#14693)',
} as const;
export type Fault = keyof typeof FAULTS;

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export const SERVED_MODEL = "test-reranker";
const MAX_MODEL_LEN = 512;
const STOP = new Set("a an and are as at be by do does for from has have how in is it of on or the to was what when where which who why with".split(" "));

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Shared content words, squashed through a sigmoid: (0, 1), higher for more overlap. */
export function lexicalScore(query: string, document: string): number {
  const q = new Set(words(query).filter((w) => !STOP.has(w)));
  const d = words(document);
  const hits = d.filter((w) => q.has(w)).length;
  const coverage = [...q].filter((w) => d.includes(w)).length;
  return 1 / (1 + Math.exp(-(1.5 * coverage + 0.3 * hits - 3)));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status === 404 ? "NotFoundError" : "BadRequestError",
  ) {
    super(message);
  }
}

const has = (fault: Fault | undefined, f: Fault) => fault === f;

/**
 * `layout: "pooling"` imitates current vLLM, where PoolingServing._check_model returns None and
 * an unknown name fails later in _maybe_get_adapters: ValueError "… does not exist." → 400
 * (vllm/entrypoints/pooling/base/serving.py @ 003a7bfc); "openai" (default) is the older
 * OpenAIServing._check_model → 404 NotFoundError (openai/engine/serving.py @ 619e4b31).
 */
export async function startVllmLikeServer(options: { fault?: Fault; apiKey?: string; layout?: "openai" | "pooling" } = {}): Promise<TestServer> {
  const { fault, apiKey } = options;
  const unknownModelStatus = options.layout === "pooling" ? 400 : 404;
  const sendJson = (res: ServerResponse, status: number, body: unknown, success = status < 300) => {
    const type = success && has(fault, "wrong_content_type") ? "text/plain" : "application/json";
    res.writeHead(status, { "content-type": type }).end(JSON.stringify(body));
  };
  const sendError = (res: ServerResponse, err: HttpError) => {
    if (has(fault, "non_json_error_body")) {
      res.writeHead(err.status, { "content-type": "text/html" }).end(`<html><body><h1>${err.status}</h1>${err.message}</body></html>`);
      return;
    }
    sendJson(res, err.status, { error: { message: err.message, type: err.type, param: null, code: err.status } });
  };
  // concurrency_dependent: requests are held briefly so that concurrent ones overlap, and scored by how many others are in flight.
  let inFlight = 0;
  // intermittent_refusal: counts valid rerank requests.
  let valid = 0;
  const crash = (res: ServerResponse) =>
    sendJson(res, 500, { error: { message: "Internal Server Error", type: "InternalServerError", param: null, code: 500 } });

  const rerank = (path: string, raw: string, res: ServerResponse, factor = 1) => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      if (has(fault, "malformed_json_500")) return crash(res);
      throw new HttpError(400, "JSON decode error");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      if (has(fault, "non_object_500")) return crash(res);
      throw new HttpError(400, "Input should be a valid dictionary or object");
    }
    const req = body as Record<string, unknown>;
    if (typeof req.query !== "string") {
      if (req.query === undefined && has(fault, "missing_field_500")) return crash(res);
      throw new HttpError(400, "query: Field required or not a string");
    }
    const docs = req.documents;
    if (!Array.isArray(docs) || !docs.every((d) => typeof d === "string")) throw new HttpError(400, "documents: Input should be a valid list of strings");
    if (docs.length === 0 && !has(fault, "empty_documents_200")) throw new HttpError(400, "At least one text_pair element must be given");
    if (req.model != null && req.model !== SERVED_MODEL && !has(fault, "unknown_model_accepted")) {
      throw new HttpError(unknownModelStatus, `The model \`${String(req.model)}\` does not exist.`);
    }
    if (req.top_n !== undefined && !Number.isInteger(req.top_n)) throw new HttpError(400, "top_n: Input should be a valid integer");
    const documents = docs as string[];
    if (documents.some((d) => d === "") && has(fault, "empty_string_500")) return crash(res);
    const tokens = documents.map((d) => words(req.query as string).length + words(d).length + 3);
    if (tokens.some((t) => t > MAX_MODEL_LEN)) {
      if (has(fault, "too_long_500")) return crash(res);
      throw new HttpError(400, `This model's maximum context length is ${MAX_MODEL_LEN} tokens. Please reduce the length of the input.`);
    }

    if (has(fault, "intermittent_refusal") && ++valid % 4 === 0) throw new HttpError(400, "The model does not support Rerank (Score) API");

    let scores = documents.map((d) => lexicalScore(req.query as string, d));
    if (has(fault, "double_sigmoid")) scores = scores.map((s) => 1 / (1 + Math.exp(-s)));
    if (has(fault, "nondeterministic")) scores = scores.map((s) => Math.min(1, Math.max(0, s + (Math.random() - 0.5) * 0.2)));
    if (has(fault, "position_dependent")) scores = scores.map((s, i) => s * (1 - 0.05 * i));
    if (has(fault, "small_scores_position_dependent")) scores = scores.map((s, i) => (s < 0.1 ? 0.001 * (1 + i) : s));
    if (has(fault, "batch_dependent")) {
      const sum = scores.reduce((a, b) => a + b, 0);
      scores = scores.map((s) => s / sum);
    }
    if (factor !== 1) scores = scores.map((s) => s * factor);
    if (has(fault, "constant")) scores = scores.map(() => 0.5);
    if (has(fault, "relevant_last")) scores = scores.map((s) => 1 - s);
    if (has(fault, "score_out_of_range")) scores = scores.map((s) => s * 4 - 1);
    if (has(fault, "alias_disagrees") && path === "/v1/rerank") scores = scores.map((s) => 1 - s);

    let order = scores.map((s, index) => ({ s, index }));
    if (!has(fault, "unsorted")) order.sort((a, b) => b.s - a.s); // stable: ties keep input order
    if (has(fault, "ascending")) order.reverse();
    const topN = typeof req.top_n === "number" ? req.top_n : 0;
    if (!has(fault, "top_n_ignored")) {
      if (topN > 0 && has(fault, "top_n_worst")) order = order.slice(-topN);
      else if (topN > 0) order = order.slice(0, has(fault, "top_n_off_by_one") ? topN + 1 : topN);
      else if (topN === 0 && req.top_n !== undefined && has(fault, "top_n_zero_empty")) order = [];
    }
    const echo = (text: string) => (has(fault, "echo_trimmed") ? text.trim() : has(fault, "unicode_mangled") ? text.replace(/[^\x00-\x7f]/g, "?") : text);
    const results = order.map(({ s, index }, pos) => ({
      index: has(fault, "shifted_indices") ? index + 1 : has(fault, "duplicated_indices") ? order[0]!.index : index,
      ...(has(fault, "missing_document")
        ? {}
        : { document: has(fault, "document_bare_string") ? echo(documents[index]!) : { text: echo(documents[index]!), multi_modal: null } }),
      relevance_score: has(fault, "null_score") && pos === 0 ? null : has(fault, "string_score") ? String(s) : s,
    }));
    const total = tokens.reduce((a, b) => a + b, 0);
    sendJson(res, 200, {
      id: `rerank-${Math.random().toString(16).slice(2)}`,
      model: SERVED_MODEL,
      usage: { prompt_tokens: total, total_tokens: total },
      results,
    });
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= 4 * 1024 * 1024) chunks.push(c);
    });
    req.on("end", () => {
      try {
        const path = (req.url ?? "/").split("?")[0]!;
        if (apiKey && (path.startsWith("/v1") || path.startsWith("/v2")) && req.headers.authorization !== `Bearer ${apiKey}`) {
          return sendJson(res, 401, { error: "Unauthorized" });
        }
        if (req.method === "GET" && path === "/health") return res.writeHead(200).end();
        if (req.method === "GET" && path === "/v1/models") {
          return sendJson(res, 200, {
            object: "list",
            data: [{ id: SERVED_MODEL, object: "model", created: 0, owned_by: "vllm", root: SERVED_MODEL, parent: null, max_model_len: MAX_MODEL_LEN }],
          });
        }
        if (req.method !== "POST" || !["/rerank", "/v1/rerank", "/v2/rerank"].includes(path)) {
          throw new HttpError(404, `Not Found: ${req.method} ${path}`);
        }
        if (size > 4 * 1024 * 1024) throw new HttpError(413, "Request body too large");
        const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        if (type !== "application/json") throw new HttpError(400, "Unsupported Media Type: Only 'application/json' is allowed");
        const raw = Buffer.concat(chunks).toString("utf8");
        if (!has(fault, "concurrency_dependent")) return rerank(path, raw, res);
        inFlight++;
        setTimeout(() => {
          const others = inFlight - 1;
          inFlight--;
          try {
            rerank(path, raw, res, 0.88 ** others);
          } catch (err) {
            if (err instanceof HttpError) sendError(res, err);
            else crash(res);
          }
        }, 30);
      } catch (err) {
        if (err instanceof HttpError) sendError(res, err);
        else crash(res);
      }
    });
  });
  return listen(server);
}

export async function listen(server: Server): Promise<TestServer> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
