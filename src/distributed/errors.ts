import { HarnessError } from "../util/errors.js";

/** Reports (or runs) that cannot be judged together: different workloads, targets or versions. */
export class MergeMismatchError extends HarnessError {
  readonly code = "RH_MERGE_MISMATCH";
  readonly kind = "usage";
}

/** A report, k6 file or Prometheus answer that cannot be read. */
export class DistributedInputError extends HarnessError {
  readonly code = "RH_DISTRIBUTED_INPUT";
  readonly kind = "usage";
}

/** A run with nothing to judge (a testid with no samples): exit 2, never a pass on zero samples. */
export class NoSamplesError extends HarnessError {
  readonly code = "RH_NO_SAMPLES";
  readonly kind = "startup";
}
