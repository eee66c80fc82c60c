// A leaf: what `check --fidelity` hands the suites, imported by the context without the collector.
import type { Precision } from "./tolerance.js";

/** What `check --fidelity` tells the suites: the model to compute locally and the server's precision. */
export interface SuiteFidelity {
  /** A fixture name, Hugging Face repo id or local directory, as --reference takes. */
  model: string;
  precision: Precision;
}
