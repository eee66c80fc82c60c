import type { StartedTarget } from "../targets/target.js";
import type { Dialect } from "../contract/dialect.js";
import { clockMs } from "./clock.js";
import { DEFAULT_CORPUS_SOURCE, DEFAULT_TARGETS_SOURCE, loadDefaultCorpus, loadDefaultTargets } from "./fixtures.js";
import { searchCapacity, stepDurationMs } from "./find-max.js";
import { documentLimit, oversizeWarnings } from "./limits.js";
import { formatMix } from "./mix.js";
import { FIND_MAX_MIN_STEP_MS, parseLoadSettings, type LoadOptions, type LoadSettings } from "./options.js";
import { buildBodies, planScenarios, shardPlans, workerCount, type ScenarioSpec } from "./plan.js";
import { progressView } from "./progress.js";
import { LOAD_REPORT_VERSION, type Capacity, type LoadReport, type ScenarioResult } from "./report.js";
import { runShards, type ShardsWatch } from "./shards.js";
import { AbortWatch } from "./abort.js";
import { summariseScenario } from "./summarise.js";
import { targetFor, type TargetsFile } from "./targets.js";
import { targetView } from "./verdict.js";
import type { Corpus } from "./workload.js";

export type { LoadOptions } from "./options.js";
export type { LoadProgress } from "./progress.js";
export type { LoadReport, ScenarioResult, SeriesPoint, LatencySummary, Capacity, CapacityStep } from "./report.js";

/** What every scenario of a run shares. */
interface RunContext {
  target: StartedTarget;
  dialect: Dialect;
  path: string;
  corpus: Corpus;
  corpusName: string;
  targets: TargetsFile;
  options: LoadOptions;
}

/**
 * Runs every scenario against an already started target, one after another, and judges each
 * against its target; with `findMax`, searches each scenario's capacity instead. Never throws
 * for a slow or failing server (that is a failed scenario); throws LoadOptionsError for options
 * that cannot run and WorkerFailedError if a thread dies.
 */
export async function runLoad(target: StartedTarget, options: LoadOptions): Promise<LoadReport> {
  const settings = parseLoadSettings(options);
  const targets = options.targets ?? (await loadDefaultTargets());
  const targetsSource = options.targets ? options.targetsSource : (options.targetsSource ?? DEFAULT_TARGETS_SOURCE);
  const corpus = options.corpus ?? (await loadDefaultCorpus());
  const ctx: RunContext = {
    target,
    dialect: target.dialect,
    path: settings.path ?? target.dialect.paths[0],
    corpus,
    corpusName: options.corpusName ?? (options.corpus ? "custom" : DEFAULT_CORPUS_SOURCE),
    targets,
    options,
  };
  const specs = planScenarios(settings, targets);
  // Said before sending: a scenario over the server's documents limit gets nothing but refusals.
  const limit = await documentLimit(target, settings.timeoutMs);
  if (limit) {
    const warn = options.onWarning ?? ((line: string) => void process.stderr.write(`warning: ${line}\n`));
    for (const line of oversizeWarnings(specs, limit, target.dialect.title)) warn(line);
  }
  const startedAt = new Date().toISOString();
  const scenarios: ScenarioResult[] = [];
  const meta: Pick<LoadReport, "schema_version" | "target" | "dialect" | "started_at" | "targets_source"> = {
    schema_version: LOAD_REPORT_VERSION,
    target: target.label,
    dialect: target.dialect.name,
    started_at: startedAt,
    ...(targetsSource !== undefined ? { targets_source: targetsSource } : {}),
  };

  if (settings.findMax) {
    const fm = settings.findMax;
    const t0 = clockMs();
    const deadline = t0 + fm.budgetMs;
    const capacity: Capacity[] = [];
    for (const [i, spec] of specs.entries()) {
      // Each scenario may use its fair share of what is left of the budget.
      const share = (deadline - clockMs()) / (specs.length - i);
      const scenarioDeadline = clockMs() + share;
      const stepMs = (rate: number): number => stepDurationMs(rate, fm.stepRequests, Math.min(FIND_MAX_MIN_STEP_MS, settings.durationMs), settings.durationMs);
      const p95Target = spec.target?.p95_ms ?? null;
      let stepNo = 0;
      const search = await searchCapacity({
        startRate: spec.rate!,
        maxRate: fm.maxRate,
        resolution: fm.resolution,
        growth: fm.growth,
        fits: (rate) => clockMs() + settings.warmupMs + stepMs(rate) <= scenarioDeadline,
        runStep: (rate) => {
          stepNo++;
          const label = `${spec.name} find-max step ${stepNo} @ ${rate} req/s`;
          return runScenario({ ...spec, rate }, { ...settings, durationMs: stepMs(rate) }, ctx, { label, index: i + 1, count: specs.length });
        },
        onStep: (step, bracket) => options.onStep?.(spec.name, step, bracket),
      });
      if (search.best) {
        scenarios.push(search.best);
        options.onScenario?.(search.best);
      }
      capacity.push({
        scenario: spec.name,
        docs: spec.docs,
        ...(spec.mix ? { mix: formatMix(spec.mix) } : {}),
        max_rps: search.max_rps,
        failed_rps: search.failed_rps,
        target_p95_ms: p95Target,
        target_rps: spec.target?.rps ?? null,
        stopped_by: search.stopped_by,
        steps: search.steps,
      });
    }
    return {
      ...meta,
      scenarios,
      passed: capacity.every((c) => c.max_rps !== null),
      capacity,
      find_max: {
        max_rate: fm.maxRate,
        budget_s: fm.budgetMs / 1000,
        resolution_pct: fm.resolution * 100,
        growth: fm.growth,
        step_requests: fm.stepRequests,
        warmup_s: settings.warmupMs / 1000,
        max_step_s: settings.durationMs / 1000,
        elapsed_s: Math.round(clockMs() - t0) / 1000,
      },
    };
  }

  for (const [i, spec] of specs.entries()) {
    const result = await runScenario(spec, settings, ctx, { label: spec.name, index: i + 1, count: specs.length });
    scenarios.push(result);
    options.onScenario?.(result);
  }
  return { ...meta, scenarios, passed: scenarios.every((s) => s.pass) };
}

/** Runs one scenario (or one find-max step) and summarises it. */
async function runScenario(
  spec: ScenarioSpec,
  settings: LoadSettings,
  ctx: RunContext,
  show: { label: string; index: number; count: number },
): Promise<ScenarioResult> {
  const bodies = buildBodies(spec, settings, ctx.corpus, ctx.dialect, ctx.target.model, ctx.path);
  const plans = shardPlans(spec, settings, ctx.target, ctx.path, bodies, workerCount(settings, spec));
  const { onProgress, onLive } = ctx.options;
  const onTick =
    onProgress || onLive
      ? (progress: Parameters<typeof progressView>[0], t0: number) => {
          onProgress?.(
            progressView(progress, {
              scenario: show.label,
              index: show.index,
              count: show.count,
              t0,
              warmupMs: settings.warmupMs,
              durationMs: settings.durationMs,
            }),
          );
          onLive?.({ scenario: spec.name, progress, windowStartMs: t0 + settings.warmupMs, durationMs: settings.durationMs, offeredRps: spec.rate });
        }
      : undefined;
  const view = targetView(spec, ctx.targets, settings.maxErrorRate);
  const watch = settings.abortOnFail && spec.mode === "open" ? abortWatch(spec, settings, view.min_achieved_rps) : undefined;
  const { results, t0, aborted } = await runShards(plans, onTick, { isolate: settings.isolate, ...(watch ? { watch } : {}) });
  const partTargets = spec.mix?.map((c) => targetFor(ctx.targets, c.docs)?.p95_ms ?? null) ?? [];
  const abortInfo = aborted && {
    reason: aborted.reason,
    detail: aborted.detail,
    at_s: Math.round(aborted.at - t0) / 1000,
    planned_duration_s: settings.durationMs / 1000,
    abandoned: results.reduce((a, r) => a + (r.abandoned ?? 0), 0),
  };
  return summariseScenario(spec, settings, results, view, ctx.corpusName, partTargets, t0 + settings.warmupMs, abortInfo || undefined);
}

/** --abort-on-fail: the rules of src/load/abort.ts over this scenario's window (known once the shards start). */
function abortWatch(spec: ScenarioSpec, settings: LoadSettings, minAchievedRps: number | null): ShardsWatch {
  let watch: AbortWatch | undefined;
  return (counts, t0) => {
    watch ??= new AbortWatch({
      rate: spec.rate!,
      arrival: settings.arrival,
      windowStart: t0 + settings.warmupMs,
      windowEnd: t0 + settings.warmupMs + settings.durationMs,
      maxErrorRate: settings.maxErrorRate,
      minAchievedRps,
    });
    return watch.observe(counts);
  };
}
