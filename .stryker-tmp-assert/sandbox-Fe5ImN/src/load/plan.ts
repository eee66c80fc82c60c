// @ts-nocheck
import { availableParallelism } from "node:os";
import type { Dialect } from "../contract/dialect.js";
import type { StartedTarget } from "../targets/target.js";
import type { ShardPlan } from "./engine.js";
import { LoadOptionsError, type LoadSettings } from "./options.js";
import { targetFor, type ScenarioTarget, type TargetsFile } from "./targets.js";
import { WorkloadGenerator, type Corpus } from "./workload.js";

/** One scenario to run: a documents-per-request count at one load. */
export interface ScenarioSpec {
  name: string;
  docs: number;
  mode: "open" | "closed";
  rate: number | null;
  concurrency: number | null;
  target: ScenarioTarget | undefined;
}

/**
 * The rate one event loop comfortably sends with millisecond lag (`npm run bench:load`: ~30 µs of
 * CPU per request, so 5000 req/s is ~15% of a core); "auto" adds a worker per this much.
 */
export const AUTO_RATE_PER_WORKER = 5_000;
/** Distinct request bodies kept per scenario (requests cycle through them). */
const MAX_BODIES = 1_000;
/** …and the memory they may take. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Scenarios in order: per documents count, then per ramp step. */
export function planScenarios(settings: LoadSettings, targets: TargetsFile): ScenarioSpec[] {
  const docsList = settings.docs ?? targets.scenarios.map((s) => s.docs);
  const specs: ScenarioSpec[] = [];
  for (const docs of docsList) {
    const target = targetFor(targets, docs);
    const name = `docs_${docs}`; // the name k6 gives the same scenario (k6/lib/plan.ts)
    if (settings.concurrency !== undefined) {
      specs.push({ name, docs, mode: "closed", rate: null, concurrency: settings.concurrency, target });
    } else if (settings.ramp !== undefined) {
      for (const rate of settings.ramp) specs.push({ name: `${name}@${rate}rps`, docs, mode: "open", rate, concurrency: null, target });
    } else {
      const rate = settings.rate ?? target?.rps;
      if (rate === undefined) {
        throw new LoadOptionsError(`the targets file has no scenario for ${docs} documents: give a rate or a concurrency`);
      }
      specs.push({ name, docs, mode: "open", rate, concurrency: null, target });
    }
  }
  return specs;
}

export function workerCount(settings: LoadSettings, spec: ScenarioSpec): number {
  if (settings.workers !== "auto") return spec.concurrency !== null ? Math.min(settings.workers, spec.concurrency) : settings.workers;
  if (spec.mode === "closed") return 1;
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(spec.rate! / AUTO_RATE_PER_WORKER)));
}

/** Pre-serialised bodies for a scenario, from the seeded workload (same seed, same requests). */
export function buildBodies(spec: ScenarioSpec, settings: LoadSettings, corpus: Corpus, dialect: Dialect, model: string | undefined, path: string): string[] {
  const needed =
    spec.mode === "open" ? Math.ceil((spec.rate! * (settings.warmupMs + settings.durationMs)) / 1000) : MAX_BODIES;
  const generator = new WorkloadGenerator(corpus, {
    docs: spec.docs,
    docTokens: settings.docTokens,
    queryTokens: settings.queryTokens,
    seed: settings.seed,
  });
  const bodies: string[] = [];
  let bytes = 0;
  while (bodies.length < Math.max(1, Math.min(needed, MAX_BODIES)) && bytes < MAX_BODY_BYTES) {
    const payload = generator.next();
    const body = JSON.stringify(dialect.buildRequest({ ...payload, ...(model !== undefined ? { model } : {}) }, path).body);
    bodies.push(body);
    bytes += body.length;
  }
  return bodies;
}

/** Splits a scenario over `workers` shards: open loop interleaves the schedule, closed loop splits the users. */
export function shardPlans(spec: ScenarioSpec, settings: LoadSettings, target: StartedTarget, path: string, bodies: string[], workers: number): ShardPlan[] {
  const plans: ShardPlan[] = [];
  for (let shard = 0; shard < workers; shard++) {
    const concurrency =
      spec.concurrency === null ? null : Math.floor(spec.concurrency / workers) + (shard < spec.concurrency % workers ? 1 : 0);
    plans.push({
      target: { baseUrl: target.baseUrl, path, dialect: target.dialect.name, ...(target.apiKey ? { apiKey: target.apiKey } : {}) },
      mode: spec.mode,
      rate: spec.rate,
      concurrency,
      shard,
      shards: workers,
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
      timeoutMs: settings.timeoutMs,
      maxInflight: concurrency ?? Math.max(1, Math.ceil(settings.maxInflight / workers)),
      bodies,
    });
  }
  return plans;
}
