// @ts-nocheck
import { z } from "zod";
import { defineDialect, documentsBody, tokenUsage } from "../define.js";

// Sources: CONTRACTS.md §6 (llama.cpp tools/server/server-common.cpp format_response_rerank @ 006639c3, test_rerank.py @ 2f690343).

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

const invalidRequest = "server handler: invalid_request_error 400 (test_rerank.py test_invalid_rerank_req)";

export const llamacpp = defineDialect({
  name: "llamacpp",
  title: "llama.cpp server",
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
    topN: { zero: "empty", negative: "unspecified" }, // resize(min(top_n, n)); negative unvalidated ⚠ verify
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
      // ex_wrapper turns nlohmann parse_error into 500: a known fault, so the check fails it
      malformedJson: { statuses: [400], body: "envelope", source: "ex_wrapper: parse errors are 500 today (known fault); 400 expected" },
      nonObjectJson: { statuses: [400], body: "envelope", source: invalidRequest },
      wrongContentType: { statuses: "any-4xx", body: "any", source: "⚠ verify: not documented" },
      unknownModel: null, // model is echoed, not matched
      // "input is too large to process" is a 500 today (known fault); exceed_context_size_error is 400
      tooLong: { statuses: [400], body: "envelope", source: "error types: exceed_context_size_error 400" },
      tooManyDocuments: null,
    },
    auth: { statuses: [401], path: "/v1/rerank" }, // authentication_error "Invalid API Key"
  },
});
