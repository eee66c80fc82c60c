import { performance } from "node:perf_hooks";
import { TargetStartError, type StartedTarget, type TargetContext } from "../targets/target.js";
import type { TargetSpec } from "../targets/spec.js";
import { DEFAULT_DURATION_MS, type LoadOptions } from "../load/options.js";
import { labelAgreement, pairAgreement } from "./agreement.js";
import { collectScores, type CollectedScores, type LabelledSet } from "./collect.js";
import { jsonLinesSink, recordExchanges } from "../client/exchange-recording.js";
import { capacitySummary, type CompareReport, type CompareTargetResult } from "./report.js";
import type { QualityCompareOptions } from "../quality/compare.js";

export interface CompareOptions {
  /** The labelled sets ranked on every target (default: fixtures/relevance.json). */
  relevanceSets?: LabelledSet[];
  skipChecks?: boolean;
  skipLoad?: boolean;
  /** Compare |Δscore| even when the targets report different model names. */
  sameModel?: boolean;
  checks?: { strict?: boolean; fuzz?: number; only?: string[] };
  /** The same workload for every target (seed, docs, rate, duration…). */
  load?: Omit<LoadOptions, "onProgress" | "onScenario" | "timeoutMs"> & { seed?: number; durationMs?: number };
  /** Forwarded to the load generator per target (e.g. a progress line). */
  onLoadProgress?: LoadOptions["onProgress"];
  /** --dataset (NDCG@10… per target, paired tests) and --price (cost per 1,000 queries). */
  quality?: QualityCompareOptions;
  /** --har: the JSON-lines file each target's exchanges are recorded into (the load generator's traffic is counted, not recorded). */
  exchangeLogFor?: (targetIndex: number) => string;
}

/**
 * Runs the same checks, the same seeded load and the same labelled rerank requests against each
 * target, one after another (never two at once, so they do not compete for the machine), then
 * the agreement of every target with the first. A target that cannot start is recorded with
 * its error and the others still run.
 */
export async function runCompare(specs: TargetSpec[], ctx: TargetContext, options: CompareOptions = {}): Promise<CompareReport> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const { startTarget } = await import("../targets/start.js");
  const { preflightTarget } = await import("../targets/preflight.js");
  const sets = options.relevanceSets ?? (await import("../checks/data.js")).relevanceSets();
  const seed = options.load?.seed ?? 42;

  const results: CompareTargetResult[] = [];
  const scores: (CollectedScores | undefined)[] = [];

  for (const [i, spec] of specs.entries()) {
    ctx.log(`[${i + 1}/${specs.length}] ${spec.raw}`);
    const result: CompareTargetResult = { label: spec.settings.name ?? spec.raw.split("#")[0]!, spec: spec.raw, dialect: "" };
    results.push(result);
    let target: StartedTarget | undefined;
    try {
      target = await startTarget(spec, ctx);
      Object.assign(result, {
        label: uniqueLabel(target.label, results),
        dialect: target.dialect.name,
        baseUrl: target.baseUrl,
        ...(target.model !== undefined ? { model: target.model } : {}),
        ...(target.logFile ? { logFile: target.logFile } : {}),
      });
      const exchangeLog = options.exchangeLogFor?.(i);
      const sink = exchangeLog ? jsonLinesSink(exchangeLog) : undefined;
      const recorded = <T>(tag: string, fn: () => Promise<T>): Promise<T> => (sink ? recordExchanges(sink, tag, fn) : fn());
      const started = target;
      const { PREFLIGHT_TAG } = await import("../checks/run.js");
      await recorded(PREFLIGHT_TAG, () => preflightTarget(started, { timeoutMs: ctx.timeoutMs }));

      if (!options.skipChecks) {
        const { runConformance, PreflightError } = await import("../checks/run.js");
        ctx.log(`${target.label}: conformance checks`);
        try {
          result.conformance = await runConformance(target, { ...options.checks, timeoutMs: ctx.timeoutMs, log: ctx.log, ...(exchangeLog ? { exchangeLog } : {}) });
        } catch (err) {
          if (err instanceof PreflightError) throw new TargetStartError(`${target.label}: ${err.message}`);
          throw err;
        }
      }
      if (!options.skipLoad) {
        const { runLoad } = await import("../load/run.js");
        ctx.log(`${target.label}: load`);
        result.load = await runLoad(target, {
          ...options.load,
          seed,
          timeoutMs: ctx.timeoutMs,
          ...(options.onLoadProgress ? { onProgress: options.onLoadProgress } : {}),
        });
        if (result.load.capacity) result.capacity = result.load.capacity.map(capacitySummary);
      }
      ctx.log(`${target.label}: ${sets.length} labelled sets for agreement`);
      const collected = await recorded("agreement", () => collectScores(started, sets, { timeoutMs: ctx.timeoutMs }));
      scores[i] = collected;
      // URL and process targets are sent no model name unless told one: show the one they answer with.
      if (result.model === undefined && collected.reportedModel !== undefined) result.model = collected.reportedModel;
      result.labels = labelAgreement(collected.sets, sets.map((s) => [s.relevant]));
      if (collected.failures.length > 0) result.agreement_failures = collected.failures;
      if (options.quality?.dataset) {
        const { qualityForTarget } = await import("../quality/compare.js");
        ctx.log(`${target.label}: ${options.quality.dataset.queries} queries of ${options.quality.dataset.path}`);
        const dataset = options.quality.dataset;
        result.quality = await recorded("quality", () => qualityForTarget(started, dataset, { timeoutMs: ctx.timeoutMs, ...(options.quality!.progress ? { progress: options.quality!.progress } : {}) }));
      }
    } catch (err) {
      if (!(err instanceof TargetStartError)) throw err;
      result.error = err.message;
      ctx.log(`${result.label}: could not start: ${err.message}`);
    } finally {
      await target?.stop().catch((err: Error) => ctx.log(`${result.label}: stop failed: ${err.message}`));
    }
  }

  const agreement = [];
  const base = scores[0];
  if (base) {
    for (let i = 1; i < results.length; i++) {
      const other = scores[i];
      if (!other) continue;
      const a = results[0]!;
      const b = results[i]!;
      const modelA = base.reportedModel ?? a.model;
      const modelB = other.reportedModel ?? b.model;
      const sameModel = options.sameModel === true || (modelA !== undefined && modelA === modelB);
      agreement.push(pairAgreement({ label: a.label, sets: base.sets }, { label: b.label, sets: other.sets }, { sameModel }));
    }
  }

  const quality = options.quality ? await qualityAnnex(results, options.quality) : { settings: {}, sections: {} };

  const passed = results.every((r) => r.error === undefined && (r.conformance?.passed ?? true) && (r.load?.passed ?? true));
  return {
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    settings: {
      seed,
      ...(options.load?.docs ? { docs: options.load.docs } : {}),
      ...(options.load?.rate !== undefined ? { rate: options.load.rate } : {}),
      duration_ms: options.load?.durationMs ?? DEFAULT_DURATION_MS,
      skip_checks: options.skipChecks ?? false,
      skip_load: options.skipLoad ?? false,
      ...(options.load?.findMax && !options.skipLoad ? { find_max: true } : {}),
      same_model: options.sameModel ?? false,
      relevance_sets: sets.length,
      ...quality.settings,
    },
    targets: results,
    agreement,
    ...quality.sections,
    passed,
  };
}

/** The report's --dataset and --price parts, computed over all targets. */
async function qualityAnnex(results: CompareTargetResult[], options: QualityCompareOptions) {
  const { costForTargets, datasetSettings, qualityTests } = await import("../quality/compare.js");
  const { cost, unmatched } = costForTargets(results, options);
  return {
    settings: {
      ...(options.dataset ? { dataset: datasetSettings(options.dataset) } : {}),
      ...(options.prices?.length ? { prices: options.prices.map((p) => `${p.target}=${p.given}`) } : {}),
    },
    sections: {
      ...(options.dataset ? { quality_tests: qualityTests(results, options) } : {}),
      ...(options.prices?.length ? { cost, ...(unmatched.length ? { unmatched_prices: unmatched } : {}) } : {}),
    },
  };
}

/** Two targets with the same label (e.g. the same URL twice) stay apart in tables: "label (2)". */
function uniqueLabel(label: string, results: CompareTargetResult[]): string {
  const taken = new Set(results.slice(0, -1).map((r) => r.label));
  let candidate = label;
  for (let n = 2; taken.has(candidate); n++) candidate = `${label} (${n})`;
  return candidate;
}
