// @ts-nocheck
import { z } from "zod";
import { defineDialect, documentsBody } from "../define.js";
import { CohereError, CohereMeta, cohereBadInput } from "./cohere-shared.js";

// Sources: CONTRACTS.md §5 v2 (cohere-openapi.yaml POST /v2/rerank; return_documents removed 2024-11-22, 8c2e71a1).

export const CohereV2RerankRequest = z.looseObject({
  model: z.string(),
  query: z.string(),
  documents: z.array(z.string()).min(1),
  top_n: z.number().int().min(1).optional(),
  max_tokens_per_doc: z.number().int().optional(),
  priority: z.number().int().min(0).max(999).optional(),
});

export const CohereV2RerankResponse = z.looseObject({
  id: z.string().optional(),
  results: z.array(z.looseObject({ index: z.number().int().nonnegative(), relevance_score: z.number() })),
  meta: CohereMeta.optional(),
});

export const cohereV2 = defineDialect({
  name: "cohere-v2",
  title: "Cohere v2",
  paths: ["/v2/rerank"],
  schemas: { request: CohereV2RerankRequest, response: CohereV2RerankResponse, error: CohereError },
  buildBody: (input) => documentsBody(input, { echoSwitch: false }), // v2 never echoes documents
  toOutput: (body) => ({
    id: body.id,
    usage: body.meta?.billed_units?.search_units !== undefined ? { searchUnits: body.meta.billed_units.search_units } : undefined,
    results: body.results.map((r) => ({ index: r.index, score: r.relevance_score })),
  }),
  messageOf: (err) => err.message,
  expectations: {
    topN: { zero: "rejected", negative: "rejected" }, // top_n minimum 1
    returnDocuments: null, // v2 has no document in results (cohere-ai/notebooks#202)
    score: { kind: "probability" },
    ties: "unspecified",
    objectDocuments: false, // documents: string[] only
    usage: "search-units",
    badInput: cohereBadInput,
    auth: { statuses: [401], path: "/v2/rerank" },
  },
});
