// StrykerJS: mutation testing of the modules that carry the README's claims
// (`npm run test:mutation`; the HTML report lands in reports/mutation/). Slow: not run in CI.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  checkers: [],
  mutate: [
    "src/checks/assert.ts",
    "src/checks/catalogue/**/*.ts",
    "src/load/recorder.ts",
    "src/load/summarise.ts",
    "src/load/http1/**/*.ts",
    "src/client/**/*.ts",
    "!src/client/index.ts",
  ],
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants) would rerun every test for each one.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  concurrency: 2,
  // The initial run of every test, on a busy 2-core machine, can take minutes.
  dryRunTimeoutMinutes: 20,
  timeoutMS: 10_000,
  reporters: ["clear-text", "html", "json", "progress-append-only"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
