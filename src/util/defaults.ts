// Defaults that every command (check, load, compare) and the library API share: each is written
// here once, and the CLI's flags, the library's options and the standalone suites read it.

/** Per-request timeout (`--timeout`, `timeoutMs`). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The environment variable holding the API key (`--api-key-env`, `apiKeyEnv`). */
export const DEFAULT_API_KEY_ENV = "RERANK_API_KEY";
/** The model the embedded target runs (`--reference`, `reference`). */
export const DEFAULT_REFERENCE = "bm25";
