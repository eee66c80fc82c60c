// @ts-nocheck
import { z } from "zod";
import { defineDialect, documentsBody, tokenUsage } from "../define.js";

// Sources: CONTRACTS.md §3 (michaelfeil/infinity fastapi_schemas/pymodels.py, infinity_server.py @ fcb951cb, 0.0.77).

export const InfinityRerankRequest = z.looseObject({
  query: z.string(),
  documents: z.array(z.string()).min(1).max(2048),
  return_documents: z.boolean().optional(),
  raw_scores: z.boolean().optional(),
  model: z.string().optional(),
  top_n: z.number().int().positive().nullish(),
});

export const InfinityRerankResponse = z.looseObject({
  object: z.literal("rerank"),
  id: z.string(),
  created: z.number().int(),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.number().int().nonnegative(), total_tokens: z.number().int().nonnegative() }),
  results: z.array(
    z.looseObject({ relevance_score: z.number(), index: z.number().int().nonnegative(), document: z.string().nullish() }),
  ),
});

/** FastAPI's validation body, or the OpenAI-style envelope of application errors. */
const FastApiDetail = z.looseObject({ detail: z.union([z.array(z.unknown()), z.string()]) });
const OpenAiStyleError = z.looseObject({ error: z.looseObject({ message: z.string() }) });
export const InfinityError = z.union([FastApiDetail, OpenAiStyleError]);

const fastapi422 = "pymodels.py: FastAPI default RequestValidationError → 422 {detail:[…]}";

export const infinity = defineDialect({
  name: "infinity",
  title: "Infinity",
  paths: ["/rerank"], // {url_prefix}/rerank; prefix default ""
  schemas: { request: InfinityRerankRequest, response: InfinityRerankResponse, error: InfinityError },
  buildBody: (input) => documentsBody(input, { echoSwitch: true }),
  toOutput: (body) => ({
    id: body.id,
    model: body.model,
    usage: tokenUsage(body.usage),
    results: body.results.map((r) => ({
      index: r.index,
      score: r.relevance_score,
      ...(typeof r.document === "string" ? { document: r.document } : {}),
    })),
  }),
  messageOf: (err) => {
    const app = OpenAiStyleError.safeParse(err);
    if (app.success) return app.data.error.message;
    return typeof err.detail === "string" ? err.detail : JSON.stringify(err.detail);
  },
  expectations: {
    topN: { zero: "rejected", negative: "rejected" }, // top_n gt=0 (test_torch_reranker.py: -1 and 0 → 422)
    // return_documents default false; document is a bare string, null otherwise (⚠ verify)
    returnDocuments: { switchable: true, byDefault: false, shape: "string", whenOmitted: "absent-or-null", field: "document" }, // ReRankResult.results[].document (pymodels.py)
    score: { kind: "probability" }, // sigmoid unless raw_scores
    ties: "input-order", // Python stable sort
    objectDocuments: false, // strings only; objects → 422
    usage: "tokens",
    badInput: {
      missingQuery: { statuses: [422], body: "envelope", source: fastapi422 },
      missingDocuments: { statuses: [422], body: "envelope", source: fastapi422 },
      wrongType: { statuses: [422], body: "envelope", source: fastapi422 },
      emptyDocuments: { statuses: [422], body: "envelope", source: "pymodels.py documents min 1 → 422" },
      malformedJson: { statuses: [422], body: "envelope", source: fastapi422 },
      nonObjectJson: { statuses: [422], body: "envelope", source: fastapi422 },
      wrongContentType: { statuses: [422], body: "envelope", source: fastapi422 },
      unknownModel: null, // with one served model any name is accepted
      tooLong: { statuses: [], body: "any", source: "crossencoder backends truncate longest_first silently", mayTruncate: true },
      tooManyDocuments: { statuses: [422], body: "envelope", source: "INFINITY_MAX_CLIENT_BATCH_SIZE default 2048 → 422", limit: 2048 },
    },
    auth: { statuses: [401], path: "/rerank" }, // HTTPBearer → 401 {"detail":"Unauthorized"}
  },
});
