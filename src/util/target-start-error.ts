import { HarnessError, type ErrorKind, type HarnessErrorOptions } from "./errors.js";

/** A target (or what it needs, such as onnxruntime) could not start: exit 2, never a verdict on the target. */
export class TargetStartError extends HarnessError {
  readonly code: string = "RH_TARGET_START";
  readonly kind: ErrorKind = "startup";
  constructor(
    message: string,
    /** The tail of the target's own output, when there is one. */
    readonly outputTail?: string,
    options: HarnessErrorOptions = {},
  ) {
    super(outputTail ? `${message}\n--- last output ---\n${outputTail}` : message, options);
  }
}
