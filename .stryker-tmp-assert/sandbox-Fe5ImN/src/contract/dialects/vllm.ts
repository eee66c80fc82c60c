// @ts-nocheck
import { z } from "zod";
import { defineDialect, documentsBody, tokenUsage } from "../define.js";

// Sources: CONTRACTS.md §1 (vLLM score/api_router.py, engine/protocol.py, scoring/serving.py).

const Document = z.union([z.string(), z.object({ content: z.array(z.unknown()) })]);

export const VllmRerankRequest = z.looseObject({
  model: z.string().nullish(),
  query: z.union([z.string(), z.object({ content: z.array(z.unknown()) })]),
  documents: z.union([z.array(Document).min(1), Document]),
  top_n: z.number().int().optional(),
  truncate_prompt_tokens: z.number().int().min(-1).nullish(),
  use_activation: z.boolean().nullish(),
});

export const VllmRerankResponse = z.looseObject({
  id: z.string(),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.number().int().nonnegative().optional(), total_tokens: z.number().int().nonnegative() }),
  results: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      // Always present in vLLM itself; servers that honour return_documents=false omit it.
      document: z.looseObject({ text: z.string().nullable(), multi_modal: z.unknown().optional() }).nullish(),
      relevance_score: z.number(),
    }),
  ),
});

/** ErrorInfo envelope (≥ ~v0.10), or the flat one older releases sent. */
const VllmErrorInfo = z.looseObject({
  error: z.looseObject({ message: z.string(), type: z.string(), param: z.string().nullish(), code: z.number().int() }),
});
const VllmFlatError = z.looseObject({ object: z.literal("error"), message: z.string(), type: z.string(), code: z.number().int() });
export const VllmError = z.union([VllmErrorInfo, VllmFlatError]);

export const vllm = defineDialect({
  name: "vllm",
  title: "vLLM",
  paths: ["/rerank", "/v1/rerank", "/v2/rerank"], // api_router.py: all three serve the same body
  schemas: { request: VllmRerankRequest, response: VllmRerankResponse, error: VllmError },
  // return_documents is ignored by vLLM (extra="allow") and honoured by compatible servers.
  buildBody: (input) => documentsBody(input, { echoSwitch: true }),
  toOutput: (body) => ({
    id: body.id,
    model: body.model,
    usage: tokenUsage(body.usage),
    results: body.results.map((r) => ({
      index: r.index,
      score: r.relevance_score,
      ...(typeof r.document?.text === "string" ? { document: r.document.text } : {}),
    })),
  }),
  messageOf: (err) => {
    const info = VllmErrorInfo.safeParse(err);
    return info.success ? info.data.error.message : String(err.message);
  },
  expectations: {
    // RerankRequest.top_n default 0; <=0 → all; > len → all. Newest layout may add ge=0 (negative → 400).
    topN: { zero: "all", negative: "all-or-rejected" },
    // No return_documents support: document{text} always present (scoring/serving.py).
    returnDocuments: { switchable: false, byDefault: true, shape: "object", whenOmitted: "absent-or-null", field: "document" }, // RerankResult.document (scoring/protocol.py)
    // Cross-encoders (what /rerank usually serves): sigmoid by default, (0,1) (test_online_rerank.py).
    // Bi-encoders give cosine [-1,1] and ColBERT unbounded MaxSim (docs scoring.md): `--score-kind any`.
    score: { kind: "probability" },
    ties: "input-order", // Python stable list.sort(reverse=True)
    objectDocuments: false, // {"text": …} documents do not match the content TypedDict → 400
    usage: "tokens",
    badInput: {
      missingQuery: { statuses: [400], body: "envelope", source: "server_utils.py validation_exception_handler: 422 overridden to 400" },
      missingDocuments: { statuses: [400], body: "envelope", source: "server_utils.py validation_exception_handler" },
      wrongType: { statuses: [400], body: "envelope", source: "server_utils.py validation_exception_handler" },
      emptyDocuments: { statuses: [400], body: "envelope", source: "scoring utils _validate_score_input_lens: 'At least one text_pair element must be given'" },
      malformedJson: { statuses: [400], body: "envelope", source: "FastAPI json_invalid → validation_exception_handler → 400" },
      nonObjectJson: { statuses: [400], body: "envelope", source: "vllm PR #42961: [] / null / 123 crash to 500 today; 400 is the fix" },
      wrongContentType: { statuses: [400, 415], body: "envelope", source: "api_utils.py validate_json_request: 400 since PR #17664, 415 before (PR #13193)" },
      unknownModel: { statuses: [404], body: "envelope", source: "engine/serving.py _check_model: NotFoundError 404, param 'model'" },
      tooLong: { statuses: [400], body: "envelope", source: "engine/serving.py _validate_input: 'maximum context length' 400" },
      tooManyDocuments: null, // no documented limit
    },
    auth: { statuses: [401], path: "/v1/rerank" }, // AuthenticationMiddleware guards /v1, /v2 only
  },
});
