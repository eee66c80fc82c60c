import type { CompareTargetResult, DatasetSettings, QualityTest } from "./report.js";
import { getDialect } from "../contract/registry.js";
import type { StartedTarget } from "../targets/target.js";
import { costPer1kQueries, type CostRow, type Price } from "../quality/cost.js";
import type { Dataset } from "../quality/dataset.js";
import { evaluateDataset, type QualityResult } from "../quality/evaluate.js";
import type { QualityProgress } from "../quality/progress.js";
import { documentsPerRequestLimit, targetRanker } from "../quality/ranker.js";
import { DEFAULT_PERMUTATIONS, DEFAULT_TEST_SEED, pairedRandomizationTest, SIGNIFICANCE_LEVEL } from "../quality/significance.js";
import { throughputFromLoad, type ThroughputSource } from "./throughput.js";

// compare's hooks for --dataset and --price: what runs per target, and what is computed over
// all targets at the end. compare/run.ts calls these and nothing else from here.

export interface QualityCompareOptions {
  dataset?: Dataset;
  prices?: Price[];
  /** Where hourly prices get throughput from (default: load capacity, else achieved rate). */
  throughput?: ThroughputSource;
  /** Documents counts for cost rows when no load scenario ran (e.g. with --skip-load). */
  costDocs?: number[];
  permutations?: number;
  testSeed?: number;
  progress?: (label: string, total: number) => QualityProgress;
}

export function datasetSettings(d: Dataset): DatasetSettings {
  return { path: d.path, format: d.format, queries: d.queries, skipped: d.skipped, candidates: d.candidates };
}

/** Reranks the data set on one started target. */
export async function qualityForTarget(
  target: StartedTarget,
  dataset: Dataset,
  options: { timeoutMs: number; progress?: QualityOptionsProgress },
): Promise<QualityResult> {
  const ranker = targetRanker(target, { timeoutMs: options.timeoutMs });
  const progress = options.progress?.(target.label, dataset.queries);
  try {
    return await evaluateDataset(dataset, ranker.rank, {
      batchSize: documentsPerRequestLimit(target.dialect),
      ...(progress ? { onProgress: (done) => progress.update(done) } : {}),
    });
  } finally {
    progress?.done();
    await ranker.close();
  }
}
type QualityOptionsProgress = NonNullable<QualityCompareOptions["progress"]>;

/** The paired tests of every target against the first, on the queries both scored. */
export function qualityTests(targets: readonly CompareTargetResult[], options: Pick<QualityCompareOptions, "permutations" | "testSeed"> = {}): QualityTest[] {
  const base = targets[0];
  if (!base?.quality) return [];
  const baseById = new Map(base.quality.per_query.map((q) => [q.query_id, q.ndcg_at_10]));
  const tests: QualityTest[] = [];
  for (const other of targets.slice(1)) {
    if (!other.quality) continue;
    const a: number[] = [];
    const b: number[] = [];
    for (const q of other.quality.per_query) {
      const x = baseById.get(q.query_id);
      if (x === undefined) continue;
      a.push(x);
      b.push(q.ndcg_at_10);
    }
    const t = pairedRandomizationTest(a, b, { permutations: options.permutations ?? DEFAULT_PERMUTATIONS, seed: options.testSeed ?? DEFAULT_TEST_SEED });
    tests.push({
      a: base.label,
      b: other.label,
      metric: "ndcg_at_10",
      delta: t.delta,
      p_value: t.p_value,
      queries: t.queries,
      test: "paired randomization, two-sided",
      permutations: t.permutations,
      significant: t.p_value < SIGNIFICANCE_LEVEL,
      significance_level: SIGNIFICANCE_LEVEL,
    });
  }
  return tests;
}

/**
 * Cost rows for every priced target at every documents count the load run used (or
 * `costDocs`), and the --price labels that matched no target.
 */
export function costForTargets(
  targets: readonly CompareTargetResult[],
  options: Pick<QualityCompareOptions, "prices" | "throughput" | "costDocs">,
): { cost: CostRow[]; unmatched: string[] } {
  const prices = options.prices ?? [];
  if (prices.length === 0) return { cost: [], unmatched: [] };
  const source = options.throughput ?? throughputFromLoad;
  const docs = new Set<number>();
  for (const t of targets) for (const s of t.load?.scenarios ?? []) docs.add(s.docs);
  if (docs.size === 0) for (const d of options.costDocs ?? []) docs.add(d);
  const priced = targets.filter((t) => t.error === undefined);
  const cost = costPer1kQueries(
    priced.map((t) => {
      const price = prices.find((p) => p.target === t.label);
      return { label: t.label, ...(price ? { price } : {}), docs_per_request: documentsPerRequestLimit(getDialect(t.dialect)), throughput: source(t) };
    }),
    [...docs].sort((x, y) => x - y),
  );
  const unmatched = prices.filter((p) => !targets.some((t) => t.label === p.target)).map((p) => p.target);
  return { cost, unmatched };
}
