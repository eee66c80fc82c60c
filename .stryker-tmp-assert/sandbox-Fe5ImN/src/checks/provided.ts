// @ts-nocheck
import type {} from "vitest";
import type { SuiteTarget } from "./context.js";
import type { CheckOutcome } from "./types.js";

/** What `rerank-harness check` (or the suites' global setup) provides to every suite file. */
export interface HarnessProvided {
  target: SuiteTarget;
  /** URL of src/checks/suite-api.ts or dist/src/checks/suite-api.js. */
  checksModule: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    rerankHarness: HarnessProvided;
  }
  interface TaskMeta {
    /** A check's outcome, read back by the reporter of `rerank-harness check`. */
    outcome?: CheckOutcome;
  }
}
