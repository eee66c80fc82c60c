import { z } from "zod";
import { defineDialect, documentsBody } from "../define.js";
import { COHERE_ERRORS, COHERE_SPEC, CohereError, CohereMeta, cohereBadInput } from "./cohere-shared.js";

// Source: Cohere's OpenAPI spec, POST /v1/rerank.

export const CohereV1RerankRequest = z.looseObject({
  model: z.string().optional(),
  query: z.string(),
  documents: z.array(z.union([z.string(), z.record(z.string(), z.string())])).min(1),
  top_n: z.number().int().min(1).optional(),
  rank_fields: z.array(z.string()).optional(),
  return_documents: z.boolean().optional(),
  max_chunks_per_doc: z.number().int().optional(),
});

export const CohereV1RerankResponse = z.looseObject({
  id: z.string().optional(),
  results: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      relevance_score: z.number(),
      document: z.looseObject({ text: z.string() }).optional(),
    }),
  ),
  meta: CohereMeta.optional(),
});

export const cohereV1 = defineDialect({
  name: "cohere-v1",
  title: "Cohere v1",
  sources: [`${COHERE_SPEC} (POST /v1/rerank)`, COHERE_ERRORS],
  requiresModel: false,
  knownFaults: [],
  paths: ["/v1/rerank"],
  schemas: { request: CohereV1RerankRequest, response: CohereV1RerankResponse, error: CohereError },
  buildBody: (input) => documentsBody(input, { echoSwitch: true }),
  toOutput: (body) => ({
    id: body.id,
    usage: body.meta?.billed_units?.search_units !== undefined ? { searchUnits: body.meta.billed_units.search_units } : undefined,
    results: body.results.map((r) => ({
      index: r.index,
      score: r.relevance_score,
      ...(r.document ? { document: r.document.text } : {}),
    })),
  }),
  messageOf: (err) => err.message,
  expectations: {
    topN: { zero: "rejected", negative: "rejected" }, // top_n minimum 1
    // return_documents default false; "if false, the API will return none": absent or null
    returnDocuments: {
      switchable: true,
      byDefault: false,
      shape: "object",
      whenOmitted: "absent-or-null",
      field: "document",
      echo: "exact",
      whenOmittedSource: `${COHERE_SPEC} results[].document: optional; "If return_documents is set as false this will return none"`,
    }, // results[].document (cohere-openapi.yaml)
    score: { kind: "probability" }, // relevance_score normalized [0,1]
    ties: "unspecified",
    objectDocuments: true, // string | map<string,string> with text
    usage: "search-units",
    badInput: cohereBadInput,
    auth: { statuses: [401], path: "/v1/rerank" }, // "no api key supplied" / "invalid api token"
  },
});
