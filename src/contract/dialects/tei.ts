import { z } from "zod";
import { defineDialect, definedEntries } from "../define.js";
import { ContractViolationError } from "../errors.js";

// Source: huggingface/text-embeddings-inference v1.9.3 (@ 0d124dc9).
const TEI = "text-embeddings-inference v1.9.3 @ 0d124dc9";

export const TeiRerankRequest = z.looseObject({
  query: z.string(),
  texts: z.array(z.string()).min(1),
  truncate: z.boolean().nullish(),
  truncation_direction: z.enum(["Right", "Left", "right", "left"]).optional(),
  raw_scores: z.boolean().optional(),
  return_text: z.boolean().optional(),
});

/** A bare JSON array, not an object. */
export const TeiRerankResponse = z.array(
  // OpenAPI marks `text` nullable (types.rs #[schema(nullable = true)]); serde leaves None out (documents.omitted tells them apart).
  z.looseObject({ index: z.number().int().nonnegative(), score: z.number(), text: z.string().nullish() }),
);

export const TeiError = z.looseObject({ error: z.string(), error_type: z.string() });

/**
 * GET /info (router/src/http/server.rs get_model_info) serialises router/src/lib.rs `Info`:
 * the operator's --max-client-batch-size (default 32, router/src/main.rs), the model's
 * max_input_length (capped at --max-batch-tokens when auto-truncating) and auto_truncate.
 */
export const TeiInfo = z.looseObject({
  max_client_batch_size: z.number().int().positive(),
  max_input_length: z.number().int().positive(),
  auto_truncate: z.boolean().optional(),
});

const axumPlainText = `${TEI} router/src/http/server.rs: axum 0.7.9 Json rejection, plain-text body`;

export const tei = defineDialect({
  name: "tei",
  title: "Hugging Face TEI",
  sources: [`${TEI} router/src/http/server.rs`, `${TEI} router/src/http/types.rs`, `${TEI} core/src/infer.rs`, `${TEI} core/src/tokenization.rs`],
  requiresModel: false,
  knownFaults: [],
  limits: {
    path: "/info",
    source: `${TEI} router/src/lib.rs Info (served by router/src/http/server.rs get_model_info)`,
    read(body) {
      const parsed = TeiInfo.safeParse(body);
      if (!parsed.success) throw new ContractViolationError("tei", "GET /info body", parsed.error.issues);
      const info = parsed.data;
      return {
        maxDocuments: info.max_client_batch_size,
        maxInputTokens: info.max_input_length,
        ...(info.auto_truncate !== undefined ? { truncates: info.auto_truncate } : {}),
      };
    },
  },
  paths: ["/rerank"], // no /v1/rerank (server.rs route table)
  schemas: { request: TeiRerankRequest, response: TeiRerankResponse, error: TeiError },
  buildBody: (input) =>
    definedEntries({
      query: input.query,
      texts: input.documents,
      return_text: input.returnDocuments,
      // TEI has neither model nor top_n; top_n is applied by nobody (expectations.topN is null)
    }),
  toOutput: (body) => ({
    results: body.map((r) => ({ index: r.index, score: r.score, ...(typeof r.text === "string" ? { document: r.text } : {}) })),
  }),
  messageOf: (err) => err.error,
  expectations: {
    topN: null,
    // return_text (default false) → `text` as a bare string, omitted (not null) otherwise
    returnDocuments: {
      switchable: true,
      byDefault: false,
      shape: "string",
      whenOmitted: "absent",
      field: "text",
      echo: "exact",
      whenOmittedSource: `${TEI} router/src/http/types.rs Rank.text: #[serde(skip_serializing_if = "Option::is_none")]`,
    },
    score: { kind: "probability" }, // sigmoid/softmax unless raw_scores (core/src/infer.rs predict)
    ties: "reverse-input-order", // ascending stable sort then reverse()
    objectDocuments: false,
    usage: "none", // x-compute-tokens etc. in headers only
    badInput: {
      missingQuery: { statuses: [422], body: "text", source: axumPlainText + " 'Failed to deserialize the JSON body'" },
      missingDocuments: { statuses: [422], body: "text", source: axumPlainText },
      wrongType: { statuses: [422], body: "text", source: axumPlainText },
      emptyDocuments: { statuses: [400], body: "envelope", source: `${TEI} router/src/http/server.rs rerank: "\`texts\` cannot be empty", error_type Empty` },
      malformedJson: { statuses: [400], body: "text", source: axumPlainText + " 'Failed to parse the request body as JSON'" },
      nonObjectJson: { statuses: [422], body: "text", source: axumPlainText },
      wrongContentType: { statuses: [415], body: "text", source: axumPlainText + " 'Expected request with Content-Type: application/json'" },
      unknownModel: null, // TEI has no model field
      // auto-truncate is on by default since v1.9.0 (PR #829); without it 422 Validation
      tooLong: {
        statuses: [422],
        body: "envelope",
        source: `${TEI} core/src/tokenization.rs: "must have less than N tokens" 422 (auto-truncate on since v1.9.0)`,
        mayAccept: "truncates it",
      },
      tooManyDocuments: {
        statuses: [422],
        body: "envelope",
        source: `${TEI} router/src/http/server.rs rerank: batch_size > info.max_client_batch_size → 422 Validation; --max-client-batch-size default 32 (router/src/main.rs), reported by GET /info`,
        limit: 32,
        limitFlag: "--max-client-batch-size",
      },
    },
    auth: { statuses: [401], path: "/rerank" }, // empty body; /health, /metrics public
  },
});
