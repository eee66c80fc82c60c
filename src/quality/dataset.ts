import { stat } from "node:fs/promises";
import type { Qrels } from "./metrics.js";
import { HarnessError } from "../util/errors.js";

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

/** A directory is a BEIR folder; a file is an MTEB reranking JSONL file. Reads and validates it all. */
export async function openDataset(path: string, options: DatasetOptions = {}): Promise<Dataset> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new DatasetError(path, undefined, `cannot read it (${err.code ?? err.message})`);
  });
  if (info.isDirectory()) return (await import("./beir.js")).openBeir(path, options);
  return (await import("./mteb.js")).openMteb(path, options);
}

/** Fisher–Yates with the given generator (in place). */
export function shuffle<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A per-query seed: the same query gets the same order on every target and every run. */
export function querySeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 2654435761) + Math.imul(index + 1, 40503)) >>> 0;
}
