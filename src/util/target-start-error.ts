/** A target (or what it needs, such as onnxruntime) could not start: exit 2, never a verdict on the target. */
export class TargetStartError extends Error {
  override readonly name = "TargetStartError";
  readonly code = "ERR_TARGET_START";
  constructor(
    message: string,
    /** The tail of the target's own output, when there is one. */
    readonly outputTail?: string,
  ) {
    super(outputTail ? `${message}\n--- last output ---\n${outputTail}` : message);
  }
}
