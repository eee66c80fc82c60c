/**
 * What the vitest suites in suites/ load (by URL, through inject), so they run the same
 * from src/ under tsx and from dist/ once built. Everything here is plain functions.
 */
export { CATALOGUE, checksForArea } from "./catalogue/index.js";
export { CheckContext, type SuiteTarget } from "./context.js";
export { registerChecks } from "./register.js";
export { CHECK_AREAS, type CheckArea, type CheckOutcome } from "./types.js";
export { startStandaloneTarget } from "./standalone.js";
export type { HarnessProvided } from "./provided.js";
