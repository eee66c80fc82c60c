// Seeded request generation for load runs. Free of Node APIs on purpose: the k6 bundles
// (issue 6) import this module, so a k6 run and `rerank-harness load` send the same requests.

import { mulberry32 } from "../util/prng.js";

export interface Corpus {
  passages: string[];
  /** Optional real queries; without them queries are cut from passages. */
  queries?: string[];
}

export interface LengthSpec {
  /** Mean length in tokens. */
  mean: number;
  /** Standard deviation in tokens (0: every item the same length). */
  spread: number;
}

export interface WorkloadSpec {
  /** Documents per request. */
  docs: number;
  docTokens: LengthSpec;
  queryTokens: LengthSpec;
  seed: number;
}

export const DEFAULT_WORKLOAD: Omit<WorkloadSpec, "docs"> = {
  docTokens: { mean: 64, spread: 16 },
  queryTokens: { mean: 12, spread: 3 },
  seed: 42,
};

/**
 * WordPiece tokens per whitespace word for English prose (bert-base-uncased on the default
 * corpus gives about 1.3). Lengths are asked for in tokens and built from words with it.
 */
export const TOKENS_PER_WORD = 1.3;

export interface RerankPayload {
  query: string;
  documents: string[];
}

/** The workload's seeded uniform source. */
export const createRng: (seed: number) => () => number = mulberry32;

/** Normal variate by Box–Muller, from a uniform source. */
function normal(rng: () => number, mean: number, sd: number): number {
  if (sd === 0) return mean;
  const u = 1 - rng();
  const v = rng();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A stream of requests with the spec's shape; deterministic for a given corpus and spec. */
export class WorkloadGenerator {
  private readonly rng: () => number;
  private readonly words: string[];

  constructor(
    private readonly corpus: Corpus,
    readonly spec: WorkloadSpec,
  ) {
    if (corpus.passages.length === 0) throw new Error("corpus has no passages");
    if (!Number.isInteger(spec.docs) || spec.docs < 1) throw new Error(`docs must be a positive integer, got ${spec.docs}`);
    this.rng = createRng(spec.seed);
    this.words = corpus.passages.join(" ").split(/\s+/).filter(Boolean);
  }

  next(): RerankPayload {
    const query = this.corpus.queries?.length ? this.pick(this.corpus.queries) : this.text(this.lengthInWords(this.spec.queryTokens));
    const documents = Array.from({ length: this.spec.docs }, () => this.text(this.lengthInWords(this.spec.docTokens)));
    return { query, documents };
  }

  /** The first `n` requests, e.g. to pre-build bodies before a timed run. */
  take(n: number): RerankPayload[] {
    return Array.from({ length: n }, () => this.next());
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(this.rng() * items.length)]!;
  }

  private lengthInWords(spec: LengthSpec): number {
    return Math.max(1, Math.round(normal(this.rng, spec.mean, spec.spread) / TOKENS_PER_WORD));
  }

  /** A run of consecutive corpus words from a random start, wrapping around. */
  private text(words: number): string {
    const start = Math.floor(this.rng() * this.words.length);
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.words[(start + i) % this.words.length]!);
    return out.join(" ");
  }
}
