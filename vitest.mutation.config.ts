import { defineConfig } from "vitest/config";

// The tests StrykerJS runs for each mutant (`npm run test:mutation`): the in-process tests of
// the modules under mutation. Tests that spawn the CLI run dist/ (never the mutated sandbox
// code) and only slow it down, so they are left out here; they still run in `npm test`.
export default defineConfig({
  test: {
    include: [
      "test/checks/catalogue.test.ts",
      "test/checks/catalogue-checks.test.ts",
      "test/checks/catalogue-mutants-a.test.ts",
      "test/checks/catalogue-mutants-b.test.ts",
      "test/checks/assert.test.ts",
      "test/client/http-client.test.ts",
      "test/client/http-client-requests.test.ts",
      "test/client/transport-errors.test.ts",
      "test/client/errors.test.ts",
      "test/client/rerank-call.test.ts",
      "test/client/secrets.test.ts",
      "test/client/redaction.test.ts",
      "test/load/units.test.ts",
      "test/load/recorder.test.ts",
      "test/load/http1.test.ts",
      "test/load/http1-parser.test.ts",
      "test/load/http1-connection.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
