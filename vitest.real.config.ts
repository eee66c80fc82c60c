import { defineConfig } from "vitest/config";

// `npm run test:real`: tests against real peer servers built from registry sources (llama.cpp's
// llama-server, see scripts/llama-server.ts). Not part of `npm test`: the first build takes minutes.
export default defineConfig({
  test: {
    include: ["test/real/**/*.real-test.ts"],
    testTimeout: 300_000,
    hookTimeout: 60 * 60_000,
    pool: "forks",
  },
});
