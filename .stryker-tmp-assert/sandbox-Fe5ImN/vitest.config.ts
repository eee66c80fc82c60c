// @ts-nocheck
import { defineConfig } from "vitest/config";

// The harness's own tests. The conformance suites in suites/ are not run here directly:
// `rerank-harness check` runs them through vitest's Node API against a chosen target.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
