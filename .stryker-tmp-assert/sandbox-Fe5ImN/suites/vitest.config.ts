// @ts-nocheck
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The conformance suites: separate from the project's own vitest.config.ts (test/ only).
// `rerank-harness check` runs them through vitest's Node API with its own reporter and the
// target provided; run standalone, global-setup.ts starts the embedded reference.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["suites/*.conformance.ts"],
    globalSetup: ["suites/global-setup.ts"],
    pool: "threads",
    maxWorkers: 1,
    // One worker, modules loaded once: each file re-importing zod, undici and fast-check cost seconds.
    isolate: false,
    // Checks within a file run concurrently; each bounds its own requests.
    maxConcurrency: 8,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    watch: false,
  },
});
