// @ts-nocheck
import { z } from "zod";
import { defineDialect, definedEntries } from "../define.js";

// Sources: CONTRACTS.md §2 (text-embeddings-inference router/src/http/{server,types}.rs @ 0d124dc9, v1.9.3).

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
  z.looseObject({ index: z.number().int().nonnegative(), score: z.number(), text: z.string().optional() }),
);

export const TeiError = z.looseObject({ error: z.string(), error_type: z.string() });

const axumPlainText = "axum 0.7 default Json rejection: plain-text body";

export const tei = defineDialect({
  name: "tei",
  title: "Hugging Face TEI",
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
    results: body.map((r) => ({ index: r.index, score: r.score, ...(r.text !== undefined ? { document: r.text } : {}) })),
  }),
  messageOf: (err) => err.error,
  expectations: {
    topN: null,
    // return_text (default false) → `text` as a bare string, omitted (not null) otherwise
    returnDocuments: { switchable: true, byDefault: false, shape: "string", whenOmitted: "absent", field: "text" }, // Rank.text (types.rs)
    score: { kind: "probability" }, // sigmoid/softmax unless raw_scores (core/src/infer.rs predict)
    ties: "reverse-input-order", // ascending stable sort then reverse()
    objectDocuments: false,
    usage: "none", // x-compute-tokens etc. in headers only
    badInput: {
      missingQuery: { statuses: [422], body: "text", source: axumPlainText + " 'Failed to deserialize the JSON body'" },
      missingDocuments: { statuses: [422], body: "text", source: axumPlainText },
      wrongType: { statuses: [422], body: "text", source: axumPlainText },
      emptyDocuments: { statuses: [400], body: "envelope", source: "server.rs rerank: '`texts` cannot be empty', error_type Empty" },
      malformedJson: { statuses: [400], body: "text", source: axumPlainText + " 'Failed to parse the request body as JSON'" },
      nonObjectJson: { statuses: [422], body: "text", source: axumPlainText },
      wrongContentType: { statuses: [415], body: "text", source: axumPlainText + " 'Expected request with Content-Type: application/json'" },
      unknownModel: null, // TEI has no model field
      // auto-truncate is on by default since v1.9.0 (PR #829); without it 422 Validation
      tooLong: { statuses: [422], body: "envelope", source: "core/src/tokenization.rs: 'must have less than N tokens' 422", mayTruncate: true },
      tooManyDocuments: { statuses: [422], body: "envelope", source: "server.rs: batch size > --max-client-batch-size (default 32) → 422 Validation", limit: 32 },
    },
    auth: { statuses: [401], path: "/rerank" }, // empty body; /health, /metrics public
  },
});
