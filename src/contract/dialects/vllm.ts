import { z } from "zod";
import { defineDialect, documentsBody, tokenUsage } from "../define.js";

// Source: vllm-project/vllm vllm/entrypoints (files and commits below; scoring files of 2026).
const E = "vllm vllm/entrypoints";
const SERVER_UTILS = `${E}/openai/server_utils.py @ 387dcddc`;
const ENGINE_SERVING = `${E}/openai/engine/serving.py @ 619e4b31`;
const POOLING_SERVING = `${E}/pooling/base/serving.py @ 003a7bfc`;
const SCORING = `${E}/pooling/scoring/serving.py @ a1140c1b`;

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
  sources: [
    `${E}/pooling/score/api_router.py @ facb56e2`,
    `${E}/pooling/scoring/protocol.py @ 53158688`,
    SCORING,
    ENGINE_SERVING,
    POOLING_SERVING,
    SERVER_UTILS,
    `${E}/serve/utils/api_utils.py @ 00a5fdd2`,
  ],
  requiresModel: false,
  knownFaults: [],
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
    returnDocuments: {
      switchable: false,
      byDefault: true,
      shape: "object",
      whenOmitted: "absent-or-null",
      field: "document",
      echo: "exact",
      whenOmittedSource: `${E}/pooling/scoring/protocol.py @ 53158688 RerankResult.document: always sent (no return_documents switch)`,
    }, // RerankResult.document (scoring/protocol.py)
    // Cross-encoders (what /rerank usually serves): sigmoid by default, (0,1) (test_online_rerank.py).
    // Bi-encoders give cosine [-1,1] and ColBERT unbounded MaxSim (docs scoring.md): `--score-kind any`.
    score: { kind: "probability" },
    ties: "input-order", // Python stable list.sort(reverse=True)
    objectDocuments: false, // {"text": …} documents do not match the content TypedDict → 400
    usage: "tokens",
    badInput: {
      missingQuery: { statuses: [400], body: "envelope", source: `${SERVER_UTILS} validation_exception_handler: 422 overridden to 400` },
      missingDocuments: { statuses: [400], body: "envelope", source: `${SERVER_UTILS} validation_exception_handler` },
      wrongType: { statuses: [400], body: "envelope", source: `${SERVER_UTILS} validation_exception_handler` },
      emptyDocuments: { statuses: [400], body: "envelope", source: `${SCORING} _validate_score_input_lens: "At least one text_pair element must be given"` },
      malformedJson: { statuses: [400], body: "envelope", source: `${SERVER_UTILS}: FastAPI json_invalid → validation_exception_handler → 400` },
      nonObjectJson: { statuses: [400], body: "envelope", source: `${E}/pooling/scoring/protocol.py @ 53158688 OpenAIBaseModel wrap validator → 400` },
      wrongContentType: {
        statuses: [400, 415],
        body: "envelope",
        source: `${E}/serve/utils/api_utils.py @ 00a5fdd2 validate_json_request: 400 since PR #17664, 415 before (PR #13193)`,
      },
      // Older OpenAIServing._check_model: 404 NotFoundError; the newer PoolingServing._check_model returns
      // None and the name fails in _maybe_get_adapters: ValueError "… does not exist." → 400.
      unknownModel: {
        statuses: [400, 404],
        body: "envelope",
        source: `${POOLING_SERVING} _maybe_get_adapters → 400; older ${ENGINE_SERVING} _check_model → 404`,
      },
      tooLong: { statuses: [400], body: "envelope", source: `${ENGINE_SERVING} _validate_input: "maximum context length" 400` },
      tooManyDocuments: null, // no documented limit
    },
    auth: { statuses: [401], path: "/v1/rerank" }, // server_utils.py AuthenticationMiddleware guards /v1 (older: /v1, /v2)
  },
});
