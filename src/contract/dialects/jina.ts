import { z } from "zod";
import { defineDialect, documentsBody, tokenUsage } from "../define.js";

// Source: Jina's OpenAPI spec (api.jina.ai/openapi.json 2026.04.02: TextRerankerRequest, RerankingResponse, ErrorResponse).
const SPEC = "api.jina.ai/openapi.json 2026.04.02";

export const JinaRerankRequest = z.looseObject({
  model: z.string(),
  query: z.string(),
  documents: z.array(z.union([z.string(), z.object({ text: z.string() })])).min(1),
  top_n: z.number().int().min(1).nullish(),
  return_documents: z.boolean().nullish(),
  truncation: z.boolean().nullish(),
});

export const JinaRerankResponse = z.looseObject({
  model: z.string(),
  object: z.literal("list").optional(),
  usage: z.looseObject({ total_tokens: z.number().int().nonnegative(), prompt_tokens: z.number().int().nonnegative().optional() }),
  results: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      relevance_score: z.number(),
      document: z.union([z.string(), z.looseObject({ text: z.string() }), z.looseObject({ image: z.string() })]).nullish(),
    }),
  ),
});

export const JinaError = z.looseObject({
  detail: z.union([z.string(), z.array(z.unknown())]),
  code: z.string().optional(),
  request_id: z.string().optional(),
});

export const jina = defineDialect({
  name: "jina",
  title: "Jina AI",
  sources: [`${SPEC} (TextRerankerRequest, RerankingResponse, HTTPValidationError)`],
  requiresModel: true,
  knownFaults: [],
  paths: ["/v1/rerank"],
  schemas: { request: JinaRerankRequest, response: JinaRerankResponse, error: JinaError },
  buildBody: (input) => documentsBody(input, { echoSwitch: true }),
  toOutput: (body) => ({
    model: body.model,
    usage: tokenUsage(body.usage),
    results: body.results.map((r) => {
      const doc = r.document;
      const text = typeof doc === "string" ? doc : typeof doc?.text === "string" ? doc.text : undefined;
      return { index: r.index, score: r.relevance_score, ...(text !== undefined ? { document: text } : {}) };
    }),
  }),
  messageOf: (err) => (typeof err.detail === "string" ? err.detail : JSON.stringify(err.detail)),
  expectations: {
    topN: { zero: "rejected", negative: "rejected" }, // top_n: integer ≥1 | null
    // return_documents default true; document in practice {text}
    returnDocuments: {
      switchable: true,
      byDefault: true,
      shape: "object",
      whenOmitted: "absent-or-null",
      field: "document",
      echo: "exact",
      whenOmittedSource: `${SPEC} RerankingResponse.results[].document: string | {text} | {image} | null, not required`,
    }, // RerankingResponse.results[].document
    // relevance_score: "higher is more relevant"; the models include jina-colbert-v1-en/v2 (MaxSim sums, not in [0,1])
    score: { kind: "any" },
    ties: "unspecified",
    objectDocuments: true, // documents: string | {text}
    usage: "tokens",
    badInput: {
      missingQuery: { statuses: [422], body: "envelope", source: `${SPEC}: HTTPValidationError 422 {detail, errors}` },
      missingDocuments: { statuses: [422], body: "envelope", source: `${SPEC}: HTTPValidationError 422` },
      wrongType: { statuses: [422], body: "envelope", source: `${SPEC}: HTTPValidationError 422` },
      emptyDocuments: { statuses: [422], body: "envelope", source: `${SPEC}: documents minItems 1 → 422` },
      malformedJson: { statuses: [400, 422], body: "any", source: `${SPEC}: not documented; FastAPI answers 422 json_invalid` },
      nonObjectJson: { statuses: [400, 422], body: "any", source: `${SPEC}: not documented` },
      wrongContentType: { statuses: "any-4xx", body: "any", source: `${SPEC}: not documented` },
      unknownModel: { statuses: [400, 422], body: "envelope", source: `${SPEC}: info lists INPUT_MODEL_NOT_FOUND as 400; model is an enum (422)` },
      tooLong: null, // truncation is a request option; the limit is not documented
      tooManyDocuments: null,
    },
    auth: { statuses: [401], path: "/v1/rerank" }, // AUTH_MISSING_API_KEY / AUTH_INVALID_API_KEY
  },
});
