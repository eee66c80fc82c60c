import { z } from "zod";
import { isDialectName, type DialectName } from "../../src/contract/index.js";
import { DEFAULT_WORKLOAD } from "../../src/load/workload.js";
import { parseDuration } from "../../src/util/duration.js";
import { MixError, parseMix, type MixEntry } from "./mix.js";

// The k6 scripts are configured by environment (`k6 run -e NAME=value` or the process
// environment), parsed here once in init context. Node-free: this runs inside k6.

const Duration = z.string().transform((text, ctx) => {
  try {
    return { text, ms: parseDuration(text) };
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

const PositiveInt = z.coerce.number().int().positive();

/** k6 rejects arrival-rate durations under 1 s (`minDuration`, lib/executor/constant_vus.go:33 in v2.2.0). */
export const K6_MIN_DURATION_MS = 1_000;

/** The default per-request timeout; k6's own default is 60 s (js/modules/k6/http/request.go). */
export const DEFAULT_TIMEOUT = "10s";

/** Comma-separated positive rates, as `rerank-harness load --ramp 50,100,200`. */
const RateList = z.string().transform((text, ctx) => {
  const items = text.split(",").map((s) => s.trim());
  const rates = items.map(Number);
  if (items.some((s, i) => s === "" || !Number.isFinite(rates[i]!) || rates[i]! <= 0)) {
    // The old meaning (a ramp-up duration) is RAMP_UP now: point there instead of a bare "not a number".
    const hint = /^\d+(?:\.\d+)?(?:ms|s|m|h)/.test(text.trim()) ? "; a ramp-up duration is RAMP_UP now" : "";
    ctx.addIssue({ code: "custom", message: `"${text}" is not a list of rates in req/s, e.g. 50,100,200 (the same as rerank-harness load --ramp)${hint}` });
    return z.NEVER;
  }
  return rates;
});

const Mix = z.string().transform((text, ctx): MixEntry[] => {
  try {
    return parseMix(text);
  } catch (err) {
    if (!(err instanceof MixError)) throw err;
    ctx.addIssue({ code: "custom", message: err.message });
    return z.NEVER;
  }
});

const Flag = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => ["1", "0", "true", "false", "yes", "no"].includes(s), "must be true or false")
  .transform((s) => s === "1" || s === "true" || s === "yes");

const DocsList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number),
  )
  .pipe(z.array(z.number().int().positive()).min(1, "list at least one document count, e.g. 10,50"))
  .refine((docs) => new Set(docs).size === docs.length, "document counts must not repeat");

// z.url() needs the WHATWG URL global, which k6 lacks; a scheme-and-host pattern is enough.
const BaseUrl = z.string().regex(/^https?:\/\/[^\s/?#]+[^\s?#]*$/, "must be an http(s) base URL such as http://127.0.0.1:8000");

export const K6Env = z
  .object({
    RERANK_URL: BaseUrl.default("http://127.0.0.1:8000"),
    RERANK_DIALECT: z
      .string()
      .default("vllm")
      .refine(isDialectName, "unknown dialect (vllm, jina, cohere-v1, cohere-v2, tei, infinity, llamacpp)")
      .transform((name) => name as DialectName),
    RERANK_MODEL: z.string().optional(),
    RERANK_API_KEY: z.string().optional(),
    /** Overrides the dialect's canonical path, e.g. /v1/rerank. */
    RERANK_PATH: z.string().startsWith("/").optional(),
    DOCS: DocsList.optional(),
    RATE: z.coerce.number().positive().optional(),
    DURATION: Duration.superRefine((d, ctx) => {
      // k6's own words (lib/executor/constant_arrival_rate.go:105-108, v2.2.0), at init and naming the variable.
      if (d.ms < K6_MIN_DURATION_MS) ctx.addIssue({ code: "custom", message: `the duration must be at least 1s, but is ${d.text}` });
    }).optional(),
    /** Load only: stepped open loop, each rate in turn for DURATION (as `rerank-harness load --ramp`). */
    RAMP: RateList.optional(),
    /** Load only: ramp from 0 to the rate over this long before DURATION at full rate. */
    RAMP_UP: Duration.optional(),
    /** Load only: one scenario whose requests draw their document count from these weights. */
    MIX: Mix.optional(),
    /** Per-request timeout; a timed-out request counts as an error. */
    TIMEOUT: Duration.refine((d) => d.ms > 0, "must be longer than 0").optional(),
    TARGETS: z.string().optional(),
    SEED: z.coerce.number().int().nonnegative().default(DEFAULT_WORKLOAD.seed),
    MAX_VUS: PositiveInt.optional(),
    /** k6-operator parallelism: each runner holds its share of the dropped-iteration budget. */
    RUNNERS: PositiveInt.default(1),
    SUMMARY_DIR: z.string().default("."),
    /** Also print the JUnit on stdout between markers (for runners whose files vanish, e.g. k6-operator pods). */
    JUNIT_STDOUT: Flag.default(false),
  })
  .refine((e) => !(e.MIX && e.DOCS), { message: "give DOCS or MIX, not both", path: ["MIX"] })
  // As `load --rate` and `--ramp`: alternatives, not a silent override.
  .refine((e) => !(e.RAMP && e.RATE !== undefined), { message: "give RATE or RAMP (its steps are the rates), not both", path: ["RAMP"] })
  .refine((e) => !(e.RAMP && e.RAMP_UP), { message: "give RAMP (steps of rates) or RAMP_UP (a ramp from 0), not both", path: ["RAMP_UP"] });

export interface K6Config {
  url: string;
  dialect: DialectName;
  model?: string;
  /** Only ever placed in the Authorization header; the summary scrubs it. */
  apiKey?: string;
  path?: string;
  docs?: number[];
  rate?: number;
  duration: { text: string; ms: number };
  /** Stepped open loop: each rate in turn (req/s), as `rerank-harness load --ramp`. */
  ramp?: number[];
  rampUp?: { text: string; ms: number };
  mix?: MixEntry[];
  timeout: { text: string; ms: number };
  targetsPath?: string;
  seed: number;
  maxVus?: number;
  /** Runners sharing the run (k6-operator `parallelism`); 1 for a local run. */
  runners: number;
  summaryDir: string;
  junitStdout: boolean;
}

export class K6ConfigError extends Error {
  override readonly name = "K6ConfigError";
  readonly code = "ERR_K6_CONFIG";
}

/** Parses the environment; `defaultDuration` differs between the load and smoke scripts. */
export function parseK6Env(env: Record<string, string | undefined>, defaultDuration: string): K6Config {
  // `-e NAME=` arrives as an empty string: treat it as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = K6Env.safeParse(present);
  if (!parsed.success) {
    // Issues name the variable and the rule; no rule echoes RERANK_API_KEY's value.
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new K6ConfigError(`bad k6 environment: ${lines.join("; ")}`);
  }
  const e = parsed.data;
  return {
    url: e.RERANK_URL.replace(/\/+$/, ""),
    dialect: e.RERANK_DIALECT,
    model: e.RERANK_MODEL,
    apiKey: e.RERANK_API_KEY,
    path: e.RERANK_PATH,
    docs: e.DOCS,
    rate: e.RATE,
    duration: e.DURATION ?? { text: defaultDuration, ms: parseDuration(defaultDuration) },
    ramp: e.RAMP,
    rampUp: e.RAMP_UP,
    mix: e.MIX,
    timeout: e.TIMEOUT ?? { text: DEFAULT_TIMEOUT, ms: parseDuration(DEFAULT_TIMEOUT) },
    targetsPath: e.TARGETS,
    seed: e.SEED,
    maxVus: e.MAX_VUS,
    runners: e.RUNNERS,
    summaryDir: e.SUMMARY_DIR.replace(/(.)\/+$/, "$1"),
    junitStdout: e.JUNIT_STDOUT,
  };
}
