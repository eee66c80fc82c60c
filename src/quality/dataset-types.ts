import { HarnessError } from "../util/errors.js";
// What every data set format yields, and the error any of their readers throws: a leaf that
// the MTEB and BEIR readers and their dispatcher (dataset.ts) all import.
import type { Qrels } from "./metrics.js";

/** One query ready to rerank: its candidates (already in the seeded order they are sent in) and its judgements. */
export interface QualityQuery {
  id: string;
  text: string;
  candidates: Array<{ id: string; text: string }>;
  qrels: Qrels;
}

export interface Dataset {
  format: "mteb" | "beir";
  path: string;
  /** Queries that will be evaluated. */
  queries: number;
  /** Queries left out, and why (e.g. no relevant document). */
  skipped: Record<string, number>;
  /** BEIR: the first stage's K; MTEB: null (the file gives the candidates). */
  candidates: number | null;
  /** The queries, in file order; may be iterated more than once (once per target). */
  iterate(): AsyncIterable<QualityQuery>;
}

/** A file that cannot be used: one line naming the file and, where it applies, the line. */
export class DatasetError extends HarnessError {
  readonly code = "RH_DATASET";
  readonly kind = "usage";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly why: string,
    /** Names where the file came from (the CLI: `--dataset`), before the file. */
    readonly flag?: string,
  ) {
    super(`${flag ? `${flag} ` : ""}${file}${line !== undefined ? `:${line}` : ""}: ${why}`);
  }
}

export interface DatasetOptions {
  /** BEIR: how many first-stage candidates each query gets (default 100). */
  candidates?: number;
  /** Seeds the order candidates are sent in. */
  seed?: number;
}

export const DEFAULT_CANDIDATES = 100;
