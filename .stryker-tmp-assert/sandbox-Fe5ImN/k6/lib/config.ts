// @ts-nocheck
import { z } from "zod";
import { isDialectName, type DialectName } from "../../src/contract/index.js";
import { DEFAULT_WORKLOAD } from "../../src/load/workload.js";
import { parseDuration } from "../../src/cli/duration.js";

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

const DocsList = z
  .string()
  .transform((text) => text.split(",").map((s) => s.trim()).filter(Boolean).map(Number))
  .pipe(z.array(z.number().int().positive()).min(1, "list at least one document count, e.g. 10,50"))
  .refine((docs) => new Set(docs).size === docs.length, "document counts must not repeat");

// z.url() needs the WHATWG URL global, which k6 lacks; a scheme-and-host pattern is enough.
const BaseUrl = z.string().regex(/^https?:\/\/[^\s/?#]+[^\s?#]*$/, "must be an http(s) base URL such as http://127.0.0.1:8000");

export const K6Env = z.object({
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
  DURATION: Duration.optional(),
  /** Load only: ramp from 0 to the rate over this long before DURATION at full rate. */
  RAMP: Duration.optional(),
  TARGETS: z.string().optional(),
  SEED: z.coerce.number().int().nonnegative().default(DEFAULT_WORKLOAD.seed),
  MAX_VUS: PositiveInt.optional(),
  /** k6-operator parallelism: each runner holds its share of the dropped-iteration budget. */
  RUNNERS: PositiveInt.default(1),
  SUMMARY_DIR: z.string().default("."),
});

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
  ramp?: { text: string; ms: number };
  targetsPath?: string;
  seed: number;
  maxVus?: number;
  /** Runners sharing the run (k6-operator `parallelism`); 1 for a local run. */
  runners: number;
  summaryDir: string;
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
    // Issues name the variable and the rule, never the value (RERANK_API_KEY stays unprinted).
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
    targetsPath: e.TARGETS,
    seed: e.SEED,
    maxVus: e.MAX_VUS,
    runners: e.RUNNERS,
    summaryDir: e.SUMMARY_DIR.replace(/\/+$/, "") || ".",
  };
}
