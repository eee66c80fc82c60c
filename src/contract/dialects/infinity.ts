import { z } from "zod";
import { defineDialect, documentsBody, tokenUsage } from "../define.js";

// Source: michaelfeil/infinity 0.0.77 (@ fcb951cb), libs/infinity_emb/infinity_emb/.
const INF = "infinity 0.0.77 @ fcb951cb libs/infinity_emb/infinity_emb";
const PYMODELS = `${INF}/fastapi_schemas/pymodels.py`;
/** INPUT_STRING = StringConstraints(max_length=8192*15, strip_whitespace=True), on the query and every document. */
const INPUT_STRING = `${INF}/fastapi_schemas/pydantic_v2.py INPUT_STRING`;

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
  results: z.array(z.looseObject({ relevance_score: z.number(), index: z.number().int().nonnegative(), document: z.string().nullish() })),
});

/** FastAPI's validation body, or the OpenAI-style envelope of application errors. */
const FastApiDetail = z.looseObject({ detail: z.union([z.array(z.unknown()), z.string()]) });
const OpenAiStyleError = z.looseObject({ error: z.looseObject({ message: z.string() }) });
export const InfinityError = z.union([FastApiDetail, OpenAiStyleError]);

const fastapi422 = `${PYMODELS} RerankInput: FastAPI's default RequestValidationError → 422 {detail:[…]}`;

export const infinity = defineDialect({
  name: "infinity",
  title: "Infinity",
  sources: [PYMODELS, INPUT_STRING, `${INF}/infinity_server.py`, `${INF}/inference/batch_handler.py`],
  requiresModel: false,
  knownFaults: [],
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
    // return_documents default false; document is a bare string, null otherwise (never left out: ReRankResult, pymodels.py).
    // INPUT_STRING strips whitespace and batch_handler.rerank echoes the validated value: echoes are stripped.
    returnDocuments: {
      switchable: true,
      byDefault: false,
      shape: "string",
      whenOmitted: "null",
      field: "document",
      echo: "stripped",
      whenOmittedSource: `${PYMODELS} ReRankResult document: Optional[str] = None, serialised by the FastAPI response_model (None is not excluded): null`,
    },
    score: { kind: "probability" }, // sigmoid unless raw_scores
    ties: "input-order", // Python stable sort
    objectDocuments: false, // strings only; objects → 422
    usage: "tokens",
    badInput: {
      missingQuery: { statuses: [422], body: "envelope", source: fastapi422 },
      missingDocuments: { statuses: [422], body: "envelope", source: fastapi422 },
      wrongType: { statuses: [422], body: "envelope", source: fastapi422 },
      emptyDocuments: { statuses: [422], body: "envelope", source: `${PYMODELS}: documents conlist min_length 1 → 422` },
      malformedJson: { statuses: [422], body: "envelope", source: fastapi422 },
      nonObjectJson: { statuses: [422], body: "envelope", source: fastapi422 },
      wrongContentType: { statuses: [422], body: "envelope", source: fastapi422 },
      unknownModel: null, // with one served model any name is accepted
      // Over 8192*15 characters: 422 string_too_long; shorter over-long input is truncated by the model (200).
      tooLong: {
        statuses: [422],
        body: "envelope",
        source: `${INPUT_STRING}: max_length 122,880 characters → 422 string_too_long; shorter input is truncated`,
        mayAccept: "truncates it",
      },
      tooManyDocuments: { statuses: [422], body: "envelope", source: `${PYMODELS}: documents conlist max_length 2048 (ITEMS_LIMIT) → 422`, limit: 2048 },
    },
    auth: { statuses: [401], path: "/rerank" }, // infinity_server.py: HTTPBearer → 401 {"detail":"Unauthorized"}
  },
});
