import { newHistogram, type Histogram } from "../load/histogram.js";
import { emptyErrorCounts, classifyStatus } from "../load/outcome.js";
import { LOAD_REPORT_VERSION, type DistributedSource, type LoadReport, type ScenarioResult } from "../load/report.js";
import { judgeScenario } from "../load/summarise.js";
import { targetFor, type TargetsFile } from "../load/targets.js";
import { targetView } from "../load/verdict.js";
import { unionMs } from "./windows.js";

// A run read back from what its runners streamed (Prometheus, k6 JSON) becomes one load report,
// judged by `load`'s own code (judgeScenario). What a stream does not carry (service time,
// generator lag, the workload's token lengths) is left empty, and the notes say so.

/** One scenario, every runner added up. */
export interface ScenarioAggregate {
  name: string;
  /** Successful requests' latency, microseconds. */
  latency: Histogram;
  /** Requests answered (or failed) in the measured window. */
  requests: number;
  /** …of which successful (their latency is in `latency`). */
  ok: number;
  dropped: number;
  statusCounts: Record<string, number>;
  /** Each runner's measured window, epoch ms. */
  windows: Array<readonly [number, number]>;
  /** Successes completed inside the windows; `ok` where the stream does not say. */
  okInWindow: number;
  /** The whole run's offered rate (open loop), when the stream says. */
  offeredRps: number | null;
  /** Share of responses whose checks all held (`rerank_valid`), when the stream has it. */
  validShare?: number;
}

export interface JudgeRunOptions {
  label: string;
  targets: TargetsFile;
  targetsSource: string;
  maxErrorRate: number;
  source: Omit<DistributedSource, "notes">;
  notes: string[];
  testid?: string;
}

export const EMPTY_WORKLOAD: ScenarioResult["workload"] = {
  doc_tokens: { mean: 0, spread: 0 },
  query_tokens: { mean: 0, spread: 0 },
  seed: 0,
  corpus: "unknown (not in the stream)",
};

/** The documents count a scenario name carries (`docs_10`, `docs_10_50rps`); 0 for others (a mix). */
export function docsOf(name: string): number {
  const m = /^docs_(\d+)/.exec(name);
  return m ? Number(m[1]) : 0;
}

export function judgeRun(aggregates: ScenarioAggregate[], options: JudgeRunOptions): LoadReport {
  const notes = [...options.notes];
  const scenarios = aggregates.map((a) => {
    const windowMs = unionMs(a.windows);
    const docs = docsOf(a.name);
    const t = targetFor(options.targets, docs);
    const rate = a.offeredRps ?? t?.rps ?? null;
    const spec = { name: a.name, docs, mode: rate !== null ? ("open" as const) : ("closed" as const), rate, concurrency: null, target: t };
    const errors = Math.max(0, a.requests - a.ok);
    const errorsByClass = emptyErrorCounts();
    let success2xx = 0;
    for (const [status, n] of Object.entries(a.statusCounts)) {
      const code = Number(status);
      if (code >= 200 && code < 300) success2xx += n;
      else if (code === 0 || !Number.isFinite(code)) errorsByClass.connection += n;
      else errorsByClass[classifyStatus(code)] += n;
    }
    // Answered 2xx but not a success: a body the checks refused.
    errorsByClass.invalid_body += Math.max(0, success2xx - a.ok);
    const classified = Object.values(errorsByClass).reduce((x, y) => x + y, 0);
    if (classified < errors) errorsByClass.connection += errors - classified;
    if (a.validShare !== undefined) notes.push(`${a.name}: ${(a.validShare * 100).toFixed(2)}% of responses passed every check (rerank_valid)`);
    return judgeScenario(
      {
        identity: {
          name: a.name,
          docs,
          mode: spec.mode,
          ...(spec.mode === "open" ? { arrival: "uniform" as const } : {}),
          offered_rps: rate,
          concurrency: null,
          duration_s: Math.round(windowMs) / 1000,
          warmup_s: 0,
          workers: options.source.runners,
          max_inflight: 0,
          timeout_ms: 0,
          workload: EMPTY_WORKLOAD,
        },
        windowS: windowMs / 1000,
        ...(a.windows.length > 0
          ? {
              window: {
                start: new Date(Math.min(...a.windows.map((w) => w[0]))).toISOString(),
                end: new Date(Math.max(...a.windows.map((w) => w[1]))).toISOString(),
              },
            }
          : {}),
        sent: a.requests,
        ok: a.ok,
        dropped: a.dropped,
        okInWindow: a.okInWindow,
        errorsByClass,
        statusCounts: a.statusCounts,
        sampleErrors: {},
        latency: a.latency,
        service: newHistogram(),
        lag: newHistogram(),
        serverTiming: {},
        series: [],
      },
      targetView(spec, options.targets, options.maxErrorRate),
    );
  });
  const startedAt = aggregates.flatMap((a) => a.windows.map((w) => w[0]));
  return {
    schema_version: LOAD_REPORT_VERSION,
    target: options.label,
    dialect: "unknown",
    started_at: new Date(startedAt.length > 0 ? Math.min(...startedAt) : Date.now()).toISOString(),
    scenarios,
    passed: scenarios.length > 0 && scenarios.every((s) => s.pass),
    targets_source: options.targetsSource,
    ...(options.testid ? { testid: options.testid } : {}),
    distributed: { ...options.source, notes: [...new Set(notes)] },
  };
}
