import { availableParallelism } from "node:os";
import type { Dialect } from "../contract/dialect.js";
import type { StartedTarget } from "../targets/target.js";
import type { ShardPlan } from "./engine.js";
import { LoadOptionsError, type LoadSettings } from "./options.js";
import { targetFor, type ScenarioTarget, type TargetsFile } from "./targets.js";
import { createRng, WorkloadGenerator, type Corpus } from "./workload.js";
import { formatMix, meanDocs, mixRate, pickComponent, type MixComponent } from "./mix.js";

/** One scenario to run: a documents-per-request count at one load. */
export interface ScenarioSpec {
  name: string;
  docs: number;
  mode: "open" | "closed";
  rate: number | null;
  concurrency: number | null;
  target: ScenarioTarget | undefined;
  /** A mixed scenario: the documents counts and their shares (docs is then the rounded mean). */
  mix?: MixComponent[];
}

/** Salt for the mix's choice stream, apart from the bodies' and the arrivals' streams. */
const MIX_SEED_SALT = 0x85ebca6b;

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
  if (settings.mix) return planMix(settings, targets, settings.mix);
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

/** One scenario, `mix`, whose requests draw their documents count from the weights. */
function planMix(settings: LoadSettings, targets: TargetsFile, mix: MixComponent[]): ScenarioSpec[] {
  const base = { docs: Math.round(meanDocs(mix)), target: undefined, mix };
  if (settings.concurrency !== undefined) return [{ ...base, name: "mix", mode: "closed", rate: null, concurrency: settings.concurrency }];
  if (settings.ramp !== undefined) return settings.ramp.map((rate) => ({ ...base, name: `mix@${rate}rps`, mode: "open", rate, concurrency: null }));
  const rate = settings.rate ?? mixRate(mix, (docs) => targetFor(targets, docs)?.rps);
  if (rate === undefined) throw new LoadOptionsError(`the targets file lacks a rate for some documents count of the mix ${formatMix(mix)}: give a rate`);
  return [{ ...base, name: "mix", mode: "open", rate, concurrency: null }];
}

export function workerCount(settings: LoadSettings, spec: ScenarioSpec): number {
  if (settings.workers !== "auto") return spec.concurrency !== null ? Math.min(settings.workers, spec.concurrency) : settings.workers;
  if (spec.mode === "closed") return 1;
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(spec.rate! / AUTO_RATE_PER_WORKER)));
}

export interface ScenarioBodies {
  bodies: string[];
  /** A mix: the component (index into spec.mix) of each body. */
  groups?: number[];
}

/**
 * Pre-serialised bodies for a scenario, from the seeded workload (same seed, same requests).
 * A mix draws each body's documents count with the weights from its own seeded stream; requests
 * cycle through the bodies, so the shares sent are the bodies' shares.
 */
export function buildBodies(
  spec: ScenarioSpec,
  settings: LoadSettings,
  corpus: Corpus,
  dialect: Dialect,
  model: string | undefined,
  path: string,
): ScenarioBodies {
  const needed = spec.mode === "open" ? Math.ceil((spec.rate! * (settings.warmupMs + settings.durationMs)) / 1000) : MAX_BODIES;
  const components = spec.mix ?? [{ docs: spec.docs, weight: 1 }];
  const generators = components.map(
    (c, i) => new WorkloadGenerator(corpus, { docs: c.docs, docTokens: settings.docTokens, queryTokens: settings.queryTokens, seed: settings.seed + i }),
  );
  const choose = createRng((settings.seed ^ MIX_SEED_SALT) >>> 0);
  const bodies: string[] = [];
  const groups: number[] = [];
  let bytes = 0;
  // A mix needs enough bodies for its shares to show even when the run is short.
  const count = Math.max(1, Math.min(spec.mix ? MAX_BODIES : needed, MAX_BODIES));
  while (bodies.length < count && bytes < MAX_BODY_BYTES) {
    const group = spec.mix ? pickComponent(spec.mix, choose()) : 0;
    const payload = generators[group]!.next();
    const body = JSON.stringify(dialect.buildRequest({ ...payload, ...(model !== undefined ? { model } : {}) }, path).body);
    bodies.push(body);
    groups.push(group);
    bytes += body.length;
  }
  return spec.mix ? { bodies, groups } : { bodies };
}

/** Splits a scenario over `workers` shards: open loop interleaves the schedule, closed loop splits the users. */
export function shardPlans(
  spec: ScenarioSpec,
  settings: LoadSettings,
  target: StartedTarget,
  path: string,
  built: ScenarioBodies,
  workers: number,
): ShardPlan[] {
  const plans: ShardPlan[] = [];
  for (let shard = 0; shard < workers; shard++) {
    const concurrency = spec.concurrency === null ? null : Math.floor(spec.concurrency / workers) + (shard < spec.concurrency % workers ? 1 : 0);
    plans.push({
      target: { baseUrl: target.baseUrl, path, dialect: target.dialect.name, ...(target.apiKey ? { apiKey: target.apiKey } : {}) },
      mode: spec.mode,
      rate: spec.rate,
      arrival: settings.arrival,
      seed: settings.seed,
      concurrency,
      shard,
      shards: workers,
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
      timeoutMs: settings.timeoutMs,
      maxInflight: concurrency ?? Math.max(1, Math.ceil(settings.maxInflight / workers)),
      bodies: built.bodies,
      ...(built.groups ? { groups: built.groups, groupCount: spec.mix!.length } : {}),
    });
  }
  return plans;
}
