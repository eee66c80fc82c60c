import { HarnessError } from "../util/errors.js";
import { unknownPrefixes } from "./catalogue/index.js";

/** Bad conformance options (an `only` prefix that selects nothing): a usage error, exit 2. */
export class ConformanceOptionsError extends HarnessError {
  readonly code = "RH_CONFORMANCE_OPTIONS";
  readonly kind = "usage";
}

/**
 * The one validation of `--only` / `only`, for check, compare, runConformance and
 * rerankConformance: every prefix must select a check.
 */
export function checkOnly(only: readonly string[] | undefined): void {
  const unknown = unknownPrefixes(only ?? []);
  if (unknown.length > 0) throw new ConformanceOptionsError(`--only ${unknown.join(",")} selects no check (see check --list)`);
}
