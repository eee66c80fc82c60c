// Request, success and error bodies as each API documents them (the upstream sources in src/contract/dialects; written here from
// the field tables and quoted messages, not copied from the vendors).

export const seedQuery = "What is the capital of France?";
export const seedDocuments = ["The capital of Brazil is Brasilia.", "The capital of France is Paris.", "Horses and cows are both animals"];

export const documented = {
  vllm: {
    success: {
      id: "rerank-7f3c2a",
      model: "BAAI/bge-reranker-base",
      usage: { total_tokens: 56 },
      results: [
        { index: 1, document: { text: seedDocuments[1], multi_modal: null }, relevance_score: 0.99853515625 },
        { index: 0, document: { text: seedDocuments[0], multi_modal: null }, relevance_score: 0.0005860328674316406 },
      ],
    },
    errors: [
      { error: { message: "The model `nope` does not exist.", type: "NotFoundError", param: "model", code: 404 } },
      { object: "error", message: "At least one text_pair element must be given", type: "BadRequestError", param: null, code: 400 },
    ],
  },
  jina: {
    success: {
      model: "jina-reranker-v2-base-multilingual",
      object: "list",
      usage: { total_tokens: 38 },
      results: [
        { index: 1, document: { text: seedDocuments[1] }, relevance_score: 0.88 },
        { index: 0, document: { text: seedDocuments[0] }, relevance_score: 0.12 },
      ],
    },
    errors: [
      { detail: "Invalid model", code: "INPUT_MODEL_NOT_FOUND", request_id: "abc" },
      { detail: "Validation failed", errors: [{ field: "documents" }] },
    ],
  },
  "cohere-v1": {
    success: {
      id: "6d1a",
      results: [
        { index: 1, relevance_score: 0.97, document: { text: seedDocuments[1] } },
        { index: 0, relevance_score: 0.02, document: { text: seedDocuments[0] } },
      ],
      meta: { api_version: { version: "1" }, billed_units: { search_units: 1 } },
    },
    errors: [{ message: "invalid request: list of documents must not be empty" }, { message: "no api key supplied", id: "x1" }],
  },
  "cohere-v2": {
    success: {
      id: "07734bd2",
      results: [
        { index: 1, relevance_score: 0.97 },
        { index: 0, relevance_score: 0.02 },
      ],
      meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } },
    },
    errors: [{ message: "model 'xyz' not found, make sure the correct model ID was used and that you have access to the model." }],
  },
  tei: {
    success: [
      { index: 1, score: 0.998 },
      { index: 0, score: 0.0006 },
      { index: 2, score: 0.00002 },
    ],
    errors: [
      { error: "`texts` cannot be empty", error_type: "Empty" },
      { error: "batch size 40 > maximum allowed batch size 32", error_type: "Validation" },
    ],
  },
  infinity: {
    success: {
      object: "rerank",
      id: "infinity-5b1e9d",
      created: 1764000000,
      model: "BAAI/bge-reranker-base",
      usage: { prompt_tokens: 40, total_tokens: 40 },
      results: [
        { relevance_score: 0.998, index: 1, document: seedDocuments[1] },
        { relevance_score: 0.0006, index: 0, document: null },
      ],
    },
    errors: [
      { detail: [{ type: "greater_than", loc: ["body", "top_n"], msg: "Input should be greater than 0", input: 0 }] },
      { error: { message: "Invalid model: Engine for model name `x` not found", type: null, param: null, code: 400 } },
    ],
  },
  llamacpp: {
    success: {
      model: "bge-reranker-v2-m3",
      object: "list",
      usage: { prompt_tokens: 51, total_tokens: 51 },
      results: [
        { index: 1, relevance_score: 7.74 },
        { index: 0, relevance_score: -11.0 },
      ],
    },
    errors: [{ error: { code: 400, message: '"documents" must be a non-empty string array', type: "invalid_request_error" } }],
  },
} as const;
