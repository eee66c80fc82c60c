// @ts-nocheck
import { z } from "zod";

/** A document as a bare string, or as `{text}` (Jina and Cohere v1 allow objects; extra keys are ignored). */
const RerankDocument = z.union([z.string(), z.looseObject({ text: z.string() })]);

/** Options every scoring route shares (vLLM names, plus TEI's `raw_scores` and `truncate`). */
const ScoringOptions = {
  model: z.string().nullish(),
  use_activation: z.boolean().nullish(),
  /** Deprecated vLLM aliases of use_activation. */
  activation: z.boolean().nullish(),
  softmax: z.boolean().nullish(),
  raw_scores: z.boolean().nullish(),
  /** false: an over-long pair is a 400 instead of being truncated. */
  truncate: z.boolean().nullish(),
  /** vLLM: -1 = the model's max length; k = truncate to k tokens. */
  truncate_prompt_tokens: z.number().int().min(-1).nullish(),
};

/** POST /rerank, /v1/rerank, /v2/rerank. Unknown fields are accepted and ignored, as vLLM does. */
export const RerankRequest = z.looseObject({
  ...ScoringOptions,
  query: z.string(),
  documents: z.union([z.string().transform((d) => [d]), z.array(RerankDocument)]),
  top_n: z.number().int().nullish(),
  return_documents: z.boolean().nullish(),
});
export type RerankRequest = z.infer<typeof RerankRequest>;

const TextSide = z.union([z.string(), z.array(z.string())]);

/** POST /score, /v1/score: one of the vLLM field pairs, each side a string or a list. */
export const ScoreRequest = z.looseObject({
  ...ScoringOptions,
  text_1: TextSide.optional(),
  text_2: TextSide.optional(),
  queries: TextSide.optional(),
  documents: TextSide.optional(),
  items: TextSide.optional(),
  data_1: TextSide.optional(),
  data_2: TextSide.optional(),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

export type ScoringOptions = Pick<RerankRequest, keyof typeof ScoringOptions>;

export interface RerankResult {
  index: number;
  document?: { text: string };
  relevance_score: number;
}

export interface RerankResponse {
  id: string;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
  results: RerankResult[];
}
