// @ts-nocheck
import type { StartedTarget } from "../targets/target.js";
import { DEFAULT_CORPUS_SOURCE, DEFAULT_TARGETS_SOURCE, loadDefaultCorpus, loadDefaultTargets } from "./fixtures.js";
import { parseLoadSettings, type LoadOptions } from "./options.js";
import { buildBodies, planScenarios, shardPlans, workerCount } from "./plan.js";
import { progressView } from "./progress.js";
import { LOAD_REPORT_VERSION, type LoadReport, type ScenarioResult } from "./report.js";
import { runShards } from "./shards.js";
import { summariseScenario } from "./summarise.js";
import { targetView } from "./verdict.js";

export type { LoadOptions } from "./options.js";
export type { LoadProgress } from "./progress.js";
export type { LoadReport, ScenarioResult, SeriesPoint, LatencySummary } from "./report.js";

/**
 * Runs every scenario against an already started target, one after another, and judges each
 * against its target. Never throws for a slow or failing server (that is a failed scenario);
 * throws LoadOptionsError for options that cannot run and WorkerFailedError if a thread dies.
 */
export async function runLoad(target: StartedTarget, options: LoadOptions): Promise<LoadReport> {
  const settings = parseLoadSettings(options);
  const targets = options.targets ?? (await loadDefaultTargets());
  const targetsSource = options.targets ? options.targetsSource : (options.targetsSource ?? DEFAULT_TARGETS_SOURCE);
  const corpus = options.corpus ?? (await loadDefaultCorpus());
  const corpusName = options.corpusName ?? (options.corpus ? "custom" : DEFAULT_CORPUS_SOURCE);
  const path = settings.path ?? target.dialect.paths[0];
  const specs = planScenarios(settings, targets);
  const startedAt = new Date().toISOString();
  const scenarios: ScenarioResult[] = [];

  for (const [i, spec] of specs.entries()) {
    const bodies = buildBodies(spec, settings, corpus, target.dialect, target.model, path);
    const plans = shardPlans(spec, settings, target, path, bodies, workerCount(settings, spec));
    const onTick = options.onProgress
      ? (progress: Parameters<typeof progressView>[0], t0: number) =>
          options.onProgress!(
            progressView(progress, {
              scenario: spec.name,
              index: i + 1,
              count: specs.length,
              t0,
              warmupMs: settings.warmupMs,
              durationMs: settings.durationMs,
            }),
          )
      : undefined;
    const { results } = await runShards(plans, onTick, { isolate: settings.isolate });
    const result = summariseScenario(spec, settings, results, targetView(spec, targets, settings.maxErrorRate), corpusName);
    scenarios.push(result);
    options.onScenario?.(result);
  }

  return {
    schema_version: LOAD_REPORT_VERSION,
    target: target.label,
    dialect: target.dialect.name,
    started_at: startedAt,
    scenarios,
    passed: scenarios.every((s) => s.pass),
    ...(targetsSource !== undefined ? { targets_source: targetsSource } : {}),
  };
}
