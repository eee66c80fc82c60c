import { z } from "zod";
import type { BadInputClass, BadInputExpectation } from "../dialect.js";

/** Cohere's own reference: the OpenAPI spec and the error table (cohere-ai/cohere-developer-experience). */
export const COHERE_SPEC = "cohere-developer-experience cohere-openapi.yaml @ e814c8a1";
export const COHERE_ERRORS = "cohere-developer-experience fern/pages/cohere-api/errors.mdx @ d10fb99e";

export const CohereMeta = z.looseObject({
  api_version: z.looseObject({ version: z.string() }).optional(),
  billed_units: z.looseObject({ search_units: z.number().optional() }).optional(),
});

export const CohereError = z.looseObject({ message: z.string(), id: z.string().optional() });

const documented = `${COHERE_ERRORS}: 400 invalid request, 422 validation`;

/** v1 and v2 share Cohere's status table. */
export const cohereBadInput: Record<BadInputClass, BadInputExpectation | null> = {
  missingQuery: { statuses: [400, 422], body: "envelope", source: documented },
  missingDocuments: { statuses: [400, 422], body: "envelope", source: documented },
  wrongType: { statuses: [400, 422], body: "envelope", source: documented },
  emptyDocuments: { statuses: [400, 422], body: "envelope", source: `${COHERE_ERRORS}: "list of documents must not be empty" 400` },
  malformedJson: {
    statuses: [400, 422],
    body: "envelope",
    source: `${COHERE_ERRORS}: "invalid json syntax" 400; the 422 UnprocessableEntity response lists "JSON is invalid"`,
  },
  nonObjectJson: { statuses: [400, 422], body: "envelope", source: documented },
  wrongContentType: { statuses: "any-4xx", body: "any", source: `${COHERE_ERRORS}: not documented` },
  unknownModel: { statuses: [404, 400], body: "envelope", source: `${COHERE_ERRORS}: 404 "model 'xyz' not found"` },
  tooLong: null, // documents are truncated (max_chunks_per_doc / max_tokens_per_doc)
  tooManyDocuments: null, // 10,000 chunks: too costly to probe against a paid API
};
