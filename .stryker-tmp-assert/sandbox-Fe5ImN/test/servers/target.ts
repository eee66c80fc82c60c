// @ts-nocheck
import { getDialect } from "../../src/contract/registry.js";
import type { StartedTarget } from "../../src/targets/target.js";
import { SERVED_MODEL, type TestServer } from "./vllm-like.js";

/** A test server as the StartedTarget runConformance expects (vLLM dialect). */
export function asTarget(server: TestServer, label: string, apiKeyEnv = "RERANK_HARNESS_TEST_NO_KEY"): StartedTarget {
  return {
    label,
    baseUrl: server.url,
    dialect: getDialect("vllm"),
    model: SERVED_MODEL,
    apiKeyEnv,
    stop: () => server.close(),
  };
}
