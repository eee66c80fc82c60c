import { startTarget, targetSpecsFromOptions } from "../targets/start.js";
import { DEFAULT_API_KEY_ENV, DEFAULT_REFERENCE, DEFAULT_TIMEOUT_MS } from "../util/defaults.js";
import { DEFAULT_FUZZ, DEFAULT_SEED } from "./defaults.js";
import type { SuiteTarget } from "./context.js";
import { suiteTargetFor } from "./suite-target.js";

/** Defaults for a standalone `vitest run --config suites/vitest.config.ts`. */
export const STANDALONE_ENV = {
  target: "RERANK_HARNESS_TARGET",
  dialect: "RERANK_HARNESS_DIALECT",
  model: "RERANK_HARNESS_MODEL",
} as const;

/**
 * Starts the target a standalone suite run checks: $RERANK_HARNESS_TARGET (any target spec)
 * or the embedded bm25 reference, with $RERANK_HARNESS_DIALECT / $RERANK_HARNESS_MODEL.
 */
export async function startStandaloneTarget(): Promise<{ target: SuiteTarget; stop: () => Promise<void> }> {
  const env = process.env;
  const specs = await targetSpecsFromOptions({ target: env[STANDALONE_ENV.target] ? [env[STANDALONE_ENV.target]!] : [] });
  const timeoutMs = DEFAULT_TIMEOUT_MS;
  const started = await startTarget(specs[0]!, {
    dialect: env[STANDALONE_ENV.dialect],
    model: env[STANDALONE_ENV.model],
    reference: DEFAULT_REFERENCE,
    apiKeyEnv: DEFAULT_API_KEY_ENV,
    timeoutMs,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  return {
    target: suiteTargetFor(started, { timeoutMs, strict: false, fuzz: DEFAULT_FUZZ, seed: DEFAULT_SEED }),
    stop: () => started.stop(),
  };
}
