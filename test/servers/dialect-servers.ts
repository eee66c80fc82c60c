import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { lexicalScore, listen, SERVED_MODEL, type TestServer } from "./vllm-like.js";

/**
 * Faithful imitations of the other dialects' servers, each written from the server's own
 * source (cited per server) rather than from the harness's expectations, so that `check`
 * passing them means the expectations match the real code. Scores come from the same lexical
 * scorer as the vLLM-like server.
 */

interface Request {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
}

interface Reply {
  status: number;
  /** A JSON value (sent as application/json) or a string (sent as text/plain). */
  body: unknown;
}

const json = (status: number, body: unknown): Reply => ({ status, body });

function serve(handle: (req: Request) => Reply): Promise<TestServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let reply: Reply;
      try {
        reply = handle({
          method: req.method ?? "GET",
          path: (req.url ?? "/").split("?")[0]!,
          headers: req.headers,
          raw: Buffer.concat(chunks).toString("utf8"),
        });
      } catch (err) {
        reply = json(500, { error: String(err) });
      }
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { "content-type": typeof reply.body === "string" ? "text/plain; charset=utf-8" : "application/json" }).end(text);
    });
  });
  return listen(server);
}

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
const tokens = (query: string, doc: string) => words(query).length + words(doc).length + 3;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const mediaType = (req: Request) => (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
const bearer = (req: Request, key: string | undefined) => !key || req.headers.authorization === `Bearer ${key}`;

/** Scores, then a stable descending sort (Python's list.sort(reverse=True) keeps ties in input order). */
function rank(query: string, documents: string[], score: (q: string, d: string) => number = lexicalScore) {
  return documents.map((d, index) => ({ index, score: score(query, d) })).sort((a, b) => b.score - a.score);
}

// ---------------------------------------------------------------------------------------------
// Infinity 0.0.77 (@ fcb951cb): FastAPI + pydantic v2. libs/infinity_emb/infinity_emb/
//   fastapi_schemas/pymodels.py RerankInput {query, documents (1..2048), return_documents=False,
//   raw_scores, model, top_n (gt=0 | None)}; pydantic_v2.py INPUT_STRING = StringConstraints(
//   max_length=8192*15, strip_whitespace=True); infinity_server.py /rerank, /models, /health;
//   inference/batch_handler.py rerank echoes the validated (stripped) documents.
// ---------------------------------------------------------------------------------------------

const INFINITY_MAX_CHARS = 8192 * 15;

/** FastAPI's 422 body: {detail: [{type, loc, msg, input, ctx?}]}. */
const fastApi422 = (type: string, loc: (string | number)[], msg: string, input: unknown, ctx?: Record<string, unknown>): Reply =>
  json(422, { detail: [{ type, loc, msg, input, ...(ctx ? { ctx } : {}) }] });

/** pydantic's checks for one `Annotated[str, INPUT_STRING]`: the stripped value, or a 422. */
function infinityString(value: unknown, loc: (string | number)[]): string | Reply {
  if (typeof value !== "string") return fastApi422("string_type", loc, "Input should be a valid string", value);
  const stripped = value.trim();
  if (stripped.length > INFINITY_MAX_CHARS) {
    return fastApi422("string_too_long", loc, `String should have at most ${INFINITY_MAX_CHARS} characters`, value.slice(0, 40), {
      max_length: INFINITY_MAX_CHARS,
    });
  }
  return stripped;
}

export async function startInfinityLikeServer(options: { apiKey?: string } = {}): Promise<TestServer> {
  return serve((req) => {
    if (req.method === "GET" && req.path === "/health") return json(200, { unix: Date.now() / 1000 });
    if (options.apiKey && !bearer(req, options.apiKey)) return json(401, { detail: "Unauthorized" });
    if (req.method === "GET" && req.path === "/models") {
      return json(200, { object: "list", data: [{ id: SERVED_MODEL, object: "model", owned_by: "infinity", created: 0, backend: "torch", stats: {} }] });
    }
    if (req.method !== "POST" || req.path !== "/rerank") return json(404, { detail: "Not Found" });
    // FastAPI reads a JSON body only when the Content-Type says JSON (or is missing).
    const type = mediaType(req);
    let body: unknown;
    if (type !== "" && type !== "application/json" && !type.endsWith("+json")) {
      body = req.raw;
    } else {
      try {
        body = JSON.parse(req.raw);
      } catch (err) {
        return fastApi422("json_invalid", ["body", 0], "JSON decode error", {}, { error: (err as Error).message });
      }
    }
    if (!isObject(body)) return fastApi422("model_attributes_type", ["body"], "Input should be a valid dictionary or object to extract fields from", body);
    if (!("query" in body)) return fastApi422("missing", ["body", "query"], "Field required", body);
    const query = infinityString(body.query, ["body", "query"]);
    if (typeof query !== "string") return query;
    if (!("documents" in body)) return fastApi422("missing", ["body", "documents"], "Field required", body);
    if (!Array.isArray(body.documents)) return fastApi422("list_type", ["body", "documents"], "Input should be a valid list", body.documents);
    if (body.documents.length < 1)
      return fastApi422("too_short", ["body", "documents"], "List should have at least 1 item after validation, not 0", [], { min_length: 1 });
    if (body.documents.length > 2048)
      return fastApi422("too_long", ["body", "documents"], `List should have at most 2048 items after validation, not ${body.documents.length}`, "…", {
        max_length: 2048,
      });
    const documents: string[] = [];
    for (const [i, d] of body.documents.entries()) {
      const s = infinityString(d, ["body", "documents", i]);
      if (typeof s !== "string") return s;
      documents.push(s);
    }
    const rd = body.return_documents;
    if (rd !== undefined && typeof rd !== "boolean") return fastApi422("bool_type", ["body", "return_documents"], "Input should be a valid boolean", rd);
    const topN = body.top_n;
    if (topN !== undefined && topN !== null) {
      if (!Number.isInteger(topN)) return fastApi422("int_type", ["body", "top_n"], "Input should be a valid integer", topN);
      if ((topN as number) <= 0) return fastApi422("greater_than", ["body", "top_n"], "Input should be greater than 0", topN, { gt: 0 });
    }
    const ranked = rank(query, documents);
    const kept = typeof topN === "number" ? ranked.slice(0, topN) : ranked;
    const used = documents.reduce((n, d) => n + tokens(query, d), 0);
    return json(200, {
      object: "rerank",
      // response_model serialises every field: document is null when not requested
      results: kept.map((r) => ({ relevance_score: r.score, index: r.index, document: rd === true ? documents[r.index] : null })),
      model: typeof body.model === "string" ? body.model : SERVED_MODEL,
      usage: { prompt_tokens: used, total_tokens: used },
      id: `infinity-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// llama.cpp server: tools/server/server-http.cpp @ 00dd0816 (routes; Content-Type is not read),
//   tools/server/server.cpp ex_wrapper (std::invalid_argument → 400, any other exception → 500),
//   server-common.cpp @ 006639c3 format_response_rerank / format_error_response,
//   tests/unit/test_rerank.py @ 2f690343.
// ---------------------------------------------------------------------------------------------

const N_UBATCH = 512;
const llamaError = (code: number, message: string, type: string): Reply => json(code, { error: { code, message, type } });

export async function startLlamacppLikeServer(options: { apiKey?: string } = {}): Promise<TestServer> {
  const modelFile = `${SERVED_MODEL}.gguf`;
  return serve((req) => {
    if (req.method === "GET" && (req.path === "/health" || req.path === "/v1/health")) return json(200, { status: "ok" });
    if (options.apiKey && !bearer(req, options.apiKey) && req.headers["x-api-key"] !== options.apiKey)
      return llamaError(401, "Invalid API Key", "authentication_error");
    if (req.method === "GET" && (req.path === "/v1/models" || req.path === "/models")) {
      const model = { id: modelFile, object: "model", created: 0, owned_by: "llamacpp", meta: { n_ctx_train: 512 } };
      return json(200, { models: [{ name: modelFile, model: modelFile }], object: "list", data: [model] });
    }
    if (req.method !== "POST" || !["/rerank", "/reranking", "/v1/rerank", "/v1/reranking"].includes(req.path)) {
      return llamaError(404, "File Not Found", "not_found_error");
    }
    // json::parse(req.body) whatever the Content-Type; parse_error is not invalid_argument → 500
    let body: unknown;
    try {
      body = JSON.parse(req.raw);
    } catch (err) {
      return llamaError(500, `[json.exception.parse_error.101] parse error: ${(err as Error).message}`, "server_error");
    }
    const b = isObject(body) ? body : {};
    if (!("query" in b)) return llamaError(400, '"query" must be provided', "invalid_request_error");
    if (typeof b.query !== "string") return llamaError(400, '"query" must be a string', "invalid_request_error");
    const teiFormat = "texts" in b;
    const documents = teiFormat ? b.texts : b.documents;
    if (!isStringArray(documents) || documents.length === 0) return llamaError(400, '"documents" must be a non-empty string array', "invalid_request_error");
    const query = b.query;
    const counts = documents.map((d) => tokens(query, d));
    if (counts.some((n) => n > N_UBATCH)) return llamaError(500, "input is too large to process. increase the physical batch size", "server_error");
    // the rank-pooling head's raw output: an unbounded logit
    const logit = (q: string, d: string) => Math.log(lexicalScore(q, d) / (1 - lexicalScore(q, d)));
    const ranked = rank(query, documents, logit);
    const topN = typeof b.top_n === "number" ? b.top_n : documents.length;
    if (topN < 0) return llamaError(500, "vector::_M_default_append", "server_error"); // resize(huge)
    const kept = ranked.slice(0, Math.min(topN, documents.length));
    if (teiFormat)
      return json(
        200,
        kept.map((r) => ({ index: r.index, score: r.score, ...(b.return_text === true ? { text: documents[r.index] } : {}) })),
      );
    const used = counts.reduce((x, y) => x + y, 0);
    return json(200, {
      model: typeof b.model === "string" ? b.model : modelFile,
      object: "list",
      usage: { prompt_tokens: used, total_tokens: used },
      results: kept.map((r) => ({ index: r.index, relevance_score: r.score })),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Jina AI (api.jina.ai/openapi.json 2026.04.02): POST /v1/rerank, TextRerankerRequest {model
//   (required), query, documents (string | {text}) minItems 1, top_n ≥1 | null, return_documents
//   (default true)}; RerankingResponse {model, object, usage, results[{index, relevance_score,
//   document}]}; HTTPValidationError 422 {detail}; INPUT_MODEL_NOT_FOUND 400.
// ---------------------------------------------------------------------------------------------

export async function startJinaLikeServer(options: { apiKey?: string } = {}): Promise<TestServer> {
  const invalid = (msg: string, loc: string[]) => json(422, { detail: [{ type: "value_error", loc, msg }] });
  return serve((req) => {
    if (options.apiKey && !bearer(req, options.apiKey)) return json(401, { detail: "Unauthorized", code: "AUTH_INVALID_API_KEY" });
    if (req.method !== "POST" || req.path !== "/v1/rerank") return json(404, { detail: "Not Found" });
    if (mediaType(req) !== "application/json") return invalid("Input should be a valid dictionary", ["body"]);
    let body: unknown;
    try {
      body = JSON.parse(req.raw);
    } catch {
      return invalid("JSON decode error", ["body", "0"]);
    }
    if (!isObject(body)) return invalid("Input should be a valid dictionary", ["body"]);
    if (typeof body.model !== "string") return invalid("Field required: model", ["body", "model"]);
    if (typeof body.query !== "string") return invalid("Field required or not a string: query", ["body", "query"]);
    const docs = body.documents;
    const texts = Array.isArray(docs) ? docs.map((d) => (typeof d === "string" ? d : isObject(d) && typeof d.text === "string" ? d.text : null)) : null;
    if (!texts || texts.some((t) => t === null)) return invalid("documents: a list of strings or {text} objects", ["body", "documents"]);
    if (texts.length === 0) return invalid("List should have at least 1 item", ["body", "documents"]);
    const topN = body.top_n;
    if (topN !== undefined && topN !== null && (!Number.isInteger(topN) || (topN as number) < 1))
      return invalid("Input should be greater than or equal to 1", ["body", "top_n"]);
    const rd = body.return_documents;
    if (rd !== undefined && rd !== null && typeof rd !== "boolean") return invalid("Input should be a valid boolean", ["body", "return_documents"]);
    if (body.model !== SERVED_MODEL) return json(400, { detail: `Model ${body.model} not found`, code: "INPUT_MODEL_NOT_FOUND" });
    const query = body.query;
    const documents = texts as string[];
    const ranked = rank(query, documents);
    const kept = typeof topN === "number" ? ranked.slice(0, topN) : ranked;
    const used = documents.reduce((n, d) => n + tokens(query, d), 0);
    return json(200, {
      model: SERVED_MODEL,
      object: "list",
      usage: { total_tokens: used, prompt_tokens: used },
      results: kept.map((r) => ({ index: r.index, relevance_score: r.score, ...(rd === false ? {} : { document: { text: documents[r.index] } }) })),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Cohere (cohere-developer-experience cohere-openapi.yaml @ e814c8a1, errors.mdx @ d10fb99e):
//   v1 POST /v1/rerank {model?, query, documents (string | map<string,string>), top_n ≥1,
//   return_documents (default false), rank_fields, max_chunks_per_doc}; v2 POST /v2/rerank
//   {model (required), query, documents string[], top_n, max_tokens_per_doc}. Both answer
//   {id, results[{index, relevance_score, document?}], meta {api_version, billed_units}};
//   errors {message}: 400 invalid request / "invalid json syntax", 422, 404 unknown model.
// ---------------------------------------------------------------------------------------------

export async function startCohereLikeServer(version: 1 | 2, options: { apiKey?: string } = {}): Promise<TestServer> {
  const path = `/v${version}/rerank`;
  const bad = (status: number, message: string) => json(status, { id: randomUUID(), message });
  return serve((req) => {
    if (options.apiKey && !bearer(req, options.apiKey)) return bad(401, req.headers.authorization ? "invalid api token" : "no api key supplied");
    if (req.method !== "POST" || req.path !== path) return bad(404, `no route for ${req.method} ${req.path}`);
    if (mediaType(req) !== "application/json") return bad(400, "invalid request: content-type must be application/json");
    let body: unknown;
    try {
      body = JSON.parse(req.raw);
    } catch {
      return bad(400, "invalid request: invalid json syntax");
    }
    if (!isObject(body)) return bad(400, "invalid request: the body must be a JSON object");
    if (version === 2 && typeof body.model !== "string") return bad(400, "invalid request: model is required");
    if (body.model !== undefined && typeof body.model !== "string") return bad(400, "invalid request: model must be a string");
    if (typeof body.query !== "string") return bad(400, "invalid request: query must be a string");
    if (!Array.isArray(body.documents)) return bad(400, "invalid request: documents must be a list");
    const texts = body.documents.map((d) => {
      if (typeof d === "string") return d;
      if (version === 1 && isObject(d) && Object.values(d).every((v) => typeof v === "string")) return typeof d.text === "string" ? d.text : "";
      return null;
    });
    if (texts.some((t) => t === null)) return bad(400, `invalid request: documents must be ${version === 1 ? "strings or string maps" : "strings"}`);
    if (texts.length === 0) return bad(400, "invalid request: list of documents must not be empty");
    const topN = body.top_n;
    if (topN !== undefined && (!Number.isInteger(topN) || (topN as number) < 1)) return bad(422, "invalid request: top_n must be a positive integer");
    const rd = body.return_documents;
    if (version === 1 && rd !== undefined && typeof rd !== "boolean") return bad(400, "invalid request: return_documents must be a boolean");
    if (body.model !== undefined && body.model !== SERVED_MODEL)
      return bad(404, `model '${String(body.model)}' not found, make sure the correct model ID was used`);
    const documents = texts as string[];
    const ranked = rank(body.query, documents);
    const kept = typeof topN === "number" ? ranked.slice(0, topN) : ranked;
    return json(200, {
      id: randomUUID(),
      results: kept.map((r) => ({
        index: r.index,
        relevance_score: r.score,
        ...(version === 1 && rd === true ? { document: { text: documents[r.index] } } : {}),
      })),
      meta: { api_version: { version: String(version) }, billed_units: { search_units: 1 } },
    });
  });
}
