import { z } from "zod";
import type { Corpus } from "./workload.js";
import type { TargetsFile } from "./targets.js";
import type { LoadProgress } from "./progress.js";
import type { ScenarioResult } from "./report.js";
import { ARRIVALS } from "./arrival.js";
import { DEFAULT_TIMEOUT_MS } from "../util/defaults.js";

export { DEFAULT_TIMEOUT_MS };
import type { CapacityStep } from "./report.js";
import { HarnessError } from "../util/errors.js";
import type { ShardProgress } from "./recorder.js";

// The knobs of a load run. The CLI maps its flags onto these; `compare` passes them directly.

export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_WARMUP_MS = 2_000;
/** Past this many requests in flight, due sends are dropped (and counted) rather than delayed. */
export const DEFAULT_MAX_INFLIGHT = 1_000;
/** A scenario with more than this share of errors and drops fails whatever its latency. */
export const DEFAULT_MAX_ERROR_RATE = 0.01;
export const DEFAULT_DOC_TOKENS = { mean: 64, spread: 16 } as const;
export const DEFAULT_QUERY_TOKENS = { mean: 12, spread: 3 } as const;
export const DEFAULT_LOAD_SEED = 42;
export const DEFAULT_ARRIVAL = "uniform";
/** `--baseline`: a worse p50/p95/p99/achieved rate beyond this many percent (and the noise) regresses. */
export const DEFAULT_MAX_REGRESSION_PCT = 10;

/** Find-max: steps measure this many requests where --duration allows (p95 from ≥ 50 tail samples). */
export const FIND_MAX_STEP_REQUESTS = 1_000;
/** …and never less than this, so the achieved rate is measured over whole seconds. */
export const FIND_MAX_MIN_STEP_MS = 2_000;
export const FIND_MAX_DEFAULT_MAX_RATE = 10_000;
export const FIND_MAX_DEFAULT_BUDGET_MS = 10 * 60_000;
/** The search stops when the lowest failing rate is within this of the highest passing one. */
export const FIND_MAX_RESOLUTION = 0.05;
/** Factor between steps while no step has failed yet (and, downwards, while none has passed). */
export const FIND_MAX_GROWTH = 2;

const FindMax = z.object({
  maxRate: z.number().positive().default(FIND_MAX_DEFAULT_MAX_RATE),
  budgetMs: z.number().positive().default(FIND_MAX_DEFAULT_BUDGET_MS),
  resolution: z.number().positive().max(1).default(FIND_MAX_RESOLUTION),
  growth: z.number().gt(1).default(FIND_MAX_GROWTH),
  stepRequests: z.number().int().positive().default(FIND_MAX_STEP_REQUESTS),
});

const Length = z.object({ mean: z.number().positive(), spread: z.number().min(0) });

export const LoadSettings = z
  .object({
    /** Documents per request, one scenario each; default: the targets file's scenarios. */
    docs: z.array(z.number().int().positive()).min(1).optional(),
    /** Open loop at this constant rate (req/s) for every scenario. */
    rate: z.number().positive().optional(),
    /** Stepped open loop: each rate in turn, each for `durationMs`. */
    ramp: z.array(z.number().positive()).min(1).optional(),
    /** Closed loop with this many virtual users. */
    concurrency: z.number().int().positive().optional(),
    durationMs: z.number().positive().default(DEFAULT_DURATION_MS),
    warmupMs: z.number().min(0).default(DEFAULT_WARMUP_MS),
    timeoutMs: z.number().positive().default(DEFAULT_TIMEOUT_MS),
    maxInflight: z.number().int().positive().default(DEFAULT_MAX_INFLIGHT),
    /** Threads sending; "auto" adds workers above the rate one event loop keeps up with. */
    workers: z.union([z.number().int().positive(), z.literal("auto")]).default("auto"),
    docTokens: Length.default(DEFAULT_DOC_TOKENS),
    queryTokens: Length.default(DEFAULT_QUERY_TOKENS),
    seed: z.number().int().default(DEFAULT_LOAD_SEED),
    /** Overrides the dialect's canonical rerank path. */
    path: z.string().optional(),
    maxErrorRate: z.number().min(0).max(1).default(DEFAULT_MAX_ERROR_RATE),
    /** Open-loop arrival schedule: constant gaps, or exponential ones (seeded by `seed`). */
    arrival: z.enum(ARRIVALS).default(DEFAULT_ARRIVAL),
    /** One scenario mixing documents-per-request counts with these weights (instead of `docs`). */
    mix: z
      .array(z.object({ docs: z.number().int().positive(), weight: z.number().positive() }))
      .min(1)
      .optional(),
    /** Search each scenario's highest passing open-loop rate; `rate` is then the first step's rate. */
    findMax: FindMax.optional(),
    /**
     * Send from worker threads even with one shard: for a target that shares this process (the
     * embedded reference), whose inference would otherwise block the generator's timers.
     */
    isolate: z.boolean().default(false),
    /** Stop an open-loop scenario (or find-max step) once its failure is certain or the server is over-saturated (src/load/abort.ts). */
    abortOnFail: z.boolean().default(false),
  })
  .refine((s) => [s.rate, s.ramp, s.concurrency].filter((x) => x !== undefined).length <= 1, {
    message: "rate, ramp and concurrency are alternatives: give one at most",
  })
  .refine((s) => !(s.mix && s.docs), { message: "mix and docs are alternatives: the mix lists its own documents counts" })
  .refine((s) => !(s.findMax && (s.ramp || s.concurrency)), { message: "find-max searches open-loop rates: it cannot be combined with ramp or concurrency" })
  .refine((s) => !(s.arrival === "poisson" && s.concurrency), { message: "poisson arrivals are an open-loop schedule: not with concurrency" });
export type LoadSettings = z.infer<typeof LoadSettings>;

export type LoadOptions = z.input<typeof LoadSettings> & {
  /** Default: fixtures/corpus/default.json. */
  corpus?: Corpus;
  /** Names the corpus in reports. */
  corpusName?: string;
  /** Default: fixtures/targets/default.json. */
  targets?: TargetsFile;
  targetsSource?: string;
  /** About once a second while a scenario runs. */
  onProgress?: (progress: LoadProgress) => void;
  /** After each scenario. */
  onScenario?: (result: ScenarioResult) => void;
  /**
   * Before any request: a scenario asks for more documents than the server takes (its own
   * report, e.g. TEI's GET /info, or the documented default). Default: written to stderr.
   */
  onWarning?: (line: string) => void;
  /** About once a second while a scenario runs: every thread's cumulative counts and latency (remote write). */
  onLive?: (live: LiveScenario) => void;
  /** Find-max: after each step of a search. */
  onStep?: (scenario: string, step: CapacityStep, bracket: { pass?: number; fail?: number }) => void;
};

/** A running scenario as its threads last reported it. */
export interface LiveScenario {
  scenario: string;
  progress: ShardProgress[];
  /** Wall-clock start of the measured window (epoch ms). */
  windowStartMs: number;
  durationMs: number;
  offeredRps: number | null;
}

export class LoadOptionsError extends HarnessError {
  readonly code = "RH_LOAD_OPTIONS";
  readonly kind = "usage";
}

export function parseLoadSettings(options: LoadOptions): LoadSettings {
  const parsed = LoadSettings.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LoadOptionsError(`${issue.path.join(".") || "options"}: ${issue.message}`);
  }
  return parsed.data;
}
