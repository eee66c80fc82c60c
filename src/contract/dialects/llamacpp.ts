import { z } from "zod";
import { defineDialect, documentsBody, tokenUsage } from "../define.js";

// Source: ggml-org/llama.cpp tools/server (files and commits below).
const COMMON = "llama.cpp tools/server/server-common.cpp @ 006639c3";
const HTTP = "llama.cpp tools/server/server-http.cpp @ 00dd0816";
const SERVER = "llama.cpp tools/server/server.cpp ex_wrapper";
const TESTS = "llama.cpp tools/server/tests/unit/test_rerank.py @ 2f690343";

export const LlamacppRerankRequest = z.looseObject({
  model: z.string().optional(),
  query: z.string(),
  documents: z.array(z.string()).min(1),
  top_n: z.number().int().optional(),
});

export const LlamacppRerankResponse = z.looseObject({
  model: z.string().optional(),
  object: z.literal("list").optional(),
  usage: z.looseObject({ prompt_tokens: z.number().int().nonnegative(), total_tokens: z.number().int().nonnegative() }),
  results: z.array(z.looseObject({ index: z.number().int().nonnegative(), relevance_score: z.number() })),
});

export const LlamacppError = z.looseObject({
  error: z.looseObject({ code: z.number().int(), message: z.string(), type: z.string() }),
});

const invalidRequest = `${TESTS} test_invalid_rerank_req: invalid_request_error 400`;

export const llamacpp = defineDialect({
  name: "llamacpp",
  title: "llama.cpp server",
  sources: [
    `${COMMON} (format_response_rerank, format_error_response)`,
    `${HTTP} (post handlers)`,
    SERVER,
    TESTS,
    "llama.cpp tools/server/README.md @ 00dc8057",
  ],
  requiresModel: false,
  knownFaults: [
    {
      check: "errors.malformed_json",
      source: `${SERVER}: only std::invalid_argument maps to 400`,
      reason: "a body that is not JSON throws nlohmann::json::parse_error, which ex_wrapper answers with 500 server_error",
    },
    {
      check: "errors.too_long",
      source: `${COMMON}; the rerank task path in tools/server/server-context.cpp`,
      reason: 'input over the physical batch (-ub, default 512 tokens) is answered 500 "input is too large to process. increase the physical batch size"',
    },
  ],
  paths: ["/rerank", "/v1/rerank", "/reranking", "/v1/reranking"], // tools/server/README.md
  schemas: { request: LlamacppRerankRequest, response: LlamacppRerankResponse, error: LlamacppError },
  buildBody: (input) => documentsBody(input, { echoSwitch: false }),
  toOutput: (body) => ({
    model: body.model,
    usage: tokenUsage(body.usage),
    results: body.results.map((r) => ({ index: r.index, score: r.relevance_score })),
  }),
  messageOf: (err) => err.error.message,
  expectations: {
    topN: { zero: "empty", negative: "unspecified" }, // format_response_rerank: resize(min(top_n, n)); a negative top_n is a 500 (unvalidated)
    returnDocuments: null, // Jina format never echoes documents
    score: { kind: "logit" }, // raw rank-pooling output (llama.cpp#8555)
    ties: "unspecified", // std::sort is not stable
    objectDocuments: false, // {"text":…} → 400 "documents must be a non-empty string array"
    usage: "tokens",
    badInput: {
      missingQuery: { statuses: [400], body: "envelope", source: invalidRequest + " '\"query\" must be provided'" },
      missingDocuments: { statuses: [400], body: "envelope", source: invalidRequest },
      wrongType: { statuses: [400], body: "envelope", source: invalidRequest },
      emptyDocuments: { statuses: [400], body: "envelope", source: invalidRequest },
      // ex_wrapper turns nlohmann parse_error into 500: listed as a known fault above
      malformedJson: { statuses: [400], body: "envelope", source: `${COMMON}: invalid_request_error is 400 (parse errors are a known 500)` },
      nonObjectJson: { statuses: [400], body: "envelope", source: `${TESTS}: a body without a string "query" → 400 ""query" must be provided"` },
      // The handler runs json::parse(req.body) whatever the Content-Type says (only multipart is special).
      wrongContentType: {
        statuses: "any-4xx",
        body: "any",
        source: `${HTTP}: Content-Type is not read; a JSON body sent as text/plain is answered 200`,
        mayAccept: "does not read Content-Type",
      },
      unknownModel: null, // model is echoed, not matched
      // "input is too large to process" is a 500 today (known fault above); exceed_context_size_error is 400
      tooLong: { statuses: [400], body: "envelope", source: `${COMMON} format_error_response: exceed_context_size_error 400` },
      tooManyDocuments: null,
    },
    auth: { statuses: [401], path: "/v1/rerank" }, // server-http.cpp middleware: authentication_error 401 "Invalid API Key"
  },
});
