// The three ways a check ends other than passing; a leaf, so the context that throws them and
// the runner that catches them need not import each other.
import { HarnessError } from "../util/errors.js";
import type { Evidence } from "./evidence.js";

/** A check's outcome thrown with the requests that show it. */
abstract class EvidencedOutcome extends HarnessError {
  constructor(
    message: string,
    readonly evidence: Evidence[] = [],
  ) {
    super(message);
  }
}

/** Thrown by a check whose assertion does not hold: a failure (MUST) or a warning (SHOULD). */
export class CheckFailure extends EvidencedOutcome {
  readonly code = "RH_CHECK_FAILED";
  readonly kind = "failed";
}

/**
 * A deviation small enough to be a warning even for a MUST check (e.g. scores that differ
 * by more than 1e-5 but stay within the tolerance that GPU batching noise explains).
 */
export class CheckWarning extends EvidencedOutcome {
  readonly code = "RH_CHECK_WARNING";
  readonly kind = "internal";
}

/** Thrown when the target cannot exercise the check (e.g. no API key configured for auth). */
export class CheckSkip extends HarnessError {
  readonly code = "RH_CHECK_SKIPPED";
  readonly kind = "internal";
}
