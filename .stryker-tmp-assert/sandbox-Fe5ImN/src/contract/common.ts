// @ts-nocheck
import { z } from "zod";

/**
 * The one shape every dialect is translated from and to. Checks, the load generator and
 * reports only ever see these, plus the raw exchange kept as evidence.
 */
export const RerankInput = z.object({
  query: z.string(),
  documents: z.array(z.string()),
  /** Results wanted; undefined leaves the field out of the request (the API's default). */
  topN: z.number().int().optional(),
  /** undefined leaves the field out of the request (the API's default). */
  returnDocuments: z.boolean().optional(),
  /** Model name sent in the request; undefined leaves it out where the API allows. */
  model: z.string().optional(),
  /** Extra top-level fields merged into the request body as-is (e.g. `raw_scores`). */
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type RerankInput = z.infer<typeof RerankInput>;

export const RerankResult = z.object({
  index: z.number().int(),
  score: z.number(),
  /** The document text echoed by the server, when it echoed one. */
  document: z.string().optional(),
});
export type RerankResult = z.infer<typeof RerankResult>;

export const Usage = z.object({
  promptTokens: z.number().optional(),
  totalTokens: z.number().optional(),
  /** Cohere bills in search units rather than tokens. */
  searchUnits: z.number().optional(),
});
export type Usage = z.infer<typeof Usage>;

export const RerankOutput = z.object({
  results: z.array(RerankResult),
  usage: Usage.optional(),
  model: z.string().optional(),
  id: z.string().optional(),
});
export type RerankOutput = z.infer<typeof RerankOutput>;

/** What a dialect's builder produces: the path (relative to the base URL) and the JSON body. */
export interface BuiltRequest {
  path: string;
  body: Record<string, unknown>;
}
