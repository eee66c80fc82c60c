import { getDialect } from "../../src/contract/registry.js";
import type { StartedTarget } from "../../src/targets/target.js";
import { SERVED_MODEL, type TestServer } from "./vllm-like.js";

/** A test server as the StartedTarget runConformance expects (vLLM dialect). */
/** A test server as a StartedTarget of any dialect (model: the served one, unless told otherwise). */
export function dialectTarget(server: TestServer, dialect: string, model: string | undefined = SERVED_MODEL): StartedTarget {
  return {
    label: dialect,
    baseUrl: server.url,
    dialect: getDialect(dialect),
    ...(model !== undefined ? { model } : {}),
    apiKeyEnv: "RERANK_HARNESS_TEST_NO_KEY",
    stop: () => server.close(),
  };
}

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
