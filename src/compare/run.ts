import { performance } from "node:perf_hooks";
import { TargetStartError, type StartedTarget, type TargetContext } from "../targets/target.js";
import type { TargetSpec } from "../targets/spec.js";
import type { LoadOptions } from "../load/options.js";
import { COMPARE_DEFAULTS } from "./defaults.js";
import { labelAgreement, pairAgreement } from "./agreement.js";
import { observedScoreKind } from "./score-scale.js";
import type { ScoreKind } from "../contract/dialect.js";
import { collectScores, type CollectedScores, type LabelledSet } from "./collect.js";
import { jsonLinesSink, recordExchanges } from "../client/exchange-recording.js";
import { capacitySummary, type CompareReport, type CompareTargetResult } from "./report.js";
import type { QualityCompareOptions } from "./quality.js";

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
  // The CLI's defaults (COMPARE_DEFAULTS) for whatever the caller leaves out.
  const { rate, durationMs, warmupMs, seed, fuzz } = COMPARE_DEFAULTS;
  const load = { rate, durationMs, warmupMs, seed, ...options.load };
  const checks = { fuzz, ...options.checks };

  const results: CompareTargetResult[] = [];
  const scores: (CollectedScores | undefined)[] = [];
  /** Each target's promised score kind (its dialect's, or the one its spec set). */
  const scoreKinds: ScoreKind[] = [];

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
        base_url: target.baseUrl,
        ...(target.model !== undefined ? { model: target.model } : {}),
        ...(target.logFile ? { log_file: target.logFile } : {}),
      });
      const exchangeLog = options.exchangeLogFor?.(i);
      const sink = exchangeLog ? jsonLinesSink(exchangeLog) : undefined;
      const recorded = <T>(tag: string, fn: () => Promise<T>): Promise<T> => (sink ? recordExchanges(sink, tag, fn) : fn());
      const started = target;
      const { PREFLIGHT_TAG } = await import("../checks/run.js");
      const preflight = await recorded(PREFLIGHT_TAG, () => preflightTarget(started, { timeoutMs: ctx.timeoutMs }));

      if (!options.skipChecks) {
        const { runConformance } = await import("../checks/run.js");
        ctx.log(`${target.label}: conformance checks`);
        result.conformance = await runConformance(target, {
          ...checks,
          timeoutMs: ctx.timeoutMs,
          preflight,
          log: ctx.log,
          ...(exchangeLog ? { exchangeLog } : {}),
        });
      }
      if (!options.skipLoad) {
        const { runLoad } = await import("../load/run.js");
        ctx.log(`${target.label}: load`);
        result.load = await runLoad(target, {
          ...load,
          timeoutMs: ctx.timeoutMs,
          ...(options.onLoadProgress ? { onProgress: options.onLoadProgress } : {}),
        });
        if (result.load.capacity) result.capacity = result.load.capacity.map(capacitySummary);
      }
      ctx.log(`${target.label}: ${sets.length} labelled sets for agreement`);
      const collected = await recorded("agreement", () => collectScores(started, sets, { timeoutMs: ctx.timeoutMs }));
      scores[i] = collected;
      scoreKinds[i] = target.dialect.expectations.score.kind;
      // URL and process targets are sent no model name unless told one: show the one they answer with.
      if (result.model === undefined && collected.reportedModel !== undefined) result.model = collected.reportedModel;
      result.labels = labelAgreement(
        collected.sets,
        sets.map((s) => [s.relevant]),
      );
      if (collected.failures.length > 0) result.agreement_failures = collected.failures;
      if (options.quality?.dataset) {
        const { qualityForTarget } = await import("./quality.js");
        ctx.log(`${target.label}: ${options.quality.dataset.queries} queries of ${options.quality.dataset.path}`);
        const dataset = options.quality.dataset;
        result.quality = await recorded("quality", () =>
          qualityForTarget(started, dataset, { timeoutMs: ctx.timeoutMs, ...(options.quality!.progress ? { progress: options.quality!.progress } : {}) }),
        );
      }
    } catch (err) {
      if (!(err instanceof TargetStartError)) throw err;
      result.error = err.message;
      ctx.log(`${result.label}: could not start: ${err.message}${err.hint ? `\nnext: ${err.hint}` : ""}`);
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
      agreement.push(
        pairAgreement(
          { label: a.label, sets: base.sets, scoreKind: observedScoreKind(scoreKinds[0] ?? "any", base.sets) },
          { label: b.label, sets: other.sets, scoreKind: observedScoreKind(scoreKinds[i] ?? "any", other.sets) },
          { sameModel },
        ),
      );
    }
  }

  const quality = options.quality ? await qualityAnnex(results, options.quality) : { settings: {}, sections: {} };

  const passed = results.every((r) => r.error === undefined && (r.conformance?.passed ?? true) && (r.load?.passed ?? true));
  return {
    started_at: startedAt,
    duration_ms: Math.round(performance.now() - t0),
    settings: {
      seed: load.seed,
      ...(load.docs ? { docs: load.docs } : {}),
      rate: load.rate,
      duration_ms: load.durationMs,
      skip_checks: options.skipChecks ?? false,
      skip_load: options.skipLoad ?? false,
      ...(load.findMax && !options.skipLoad ? { find_max: true } : {}),
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
  const { costForTargets, datasetSettings, qualityTests } = await import("./quality.js");
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
