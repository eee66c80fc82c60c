import { REPORT_ONLY_THRESHOLD, VALID_METRIC, type PlannedScenario } from "./plan.js";
import { snakeKeys } from "./json-keys.js";

// handleSummary's output: a text summary for the console, a JSON report and JUnit XML (one
// testcase per threshold), so a k6 run gates CI the way `rerank-harness check` does.
// Input is either of k6's end-of-test summary shapes (normalised below): the legacy object
// handleSummary has always received, or the machine-readable one k6 passes instead when
// K6_NEW_MACHINE_READABLE_SUMMARY=true (internal/js/runner.go:456-460, v2.2.0).

export interface K6Metric {
  type: "counter" | "gauge" | "rate" | "trend";
  contains?: "default" | "time" | "data";
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface K6Check {
  name: string;
  path?: string;
  passes: number;
  fails: number;
}

export interface K6Group {
  name: string;
  groups?: K6Group[];
  checks?: K6Check[];
}

/** The legacy shape (k6's default through v2.2). */
export interface K6SummaryData {
  metrics: Record<string, K6Metric>;
  root_group?: K6Group;
  state?: { testRunDurationMs?: number };
  options?: unknown;
  setup_data?: unknown;
}

/**
 * The machine-readable shape, schema 1.0.0 (internal/lib/summary/machinereadable/types_gen.go,
 * v2.2.0). It has no threshold results, only root metrics (no `{scenario:…}` sub-metrics), trend
 * values avg/min/med/max/p(90)/p(95) only, and rates as matches/total.
 */
export interface K6MachineReadableSummary {
  version: string;
  config: { duration: number; execution?: string; script?: string };
  metadata?: { k6Version?: string; generatedAt?: string };
  results: {
    metrics: { name: string; type: K6Metric["type"]; contains?: string; values: Record<string, number> }[];
    checks?: { results?: { name: string; passes: number; fails: number }[] };
  };
}

export type SummaryInput = K6SummaryData | K6MachineReadableSummary;

export interface SummaryMeta {
  /** `rerank-load` or `rerank-smoke`. */
  script: string;
  dialect: string;
  url: string;
  model?: string;
  targets?: { from: string; source: string; model?: string; hardware?: string; tolerance: number };
  scenarios: PlannedScenario[];
  /** The thresholds the script declared (options.thresholds), to judge or list when k6 reports none. */
  thresholds?: Record<string, string[]>;
  /** Values that must not appear in any output (the API key). */
  secrets: string[];
}

export interface ThresholdResult {
  metric: string;
  threshold: string;
  /** undefined: k6's summary did not say, and its figures do not allow judging it here. */
  ok?: boolean;
  /** The aggregation's observed value, when the summary has it. */
  observed?: number;
  aggregation?: string;
  /** "k6": k6's verdict; "here": judged from the summary's figures (machine-readable summary). */
  judged_by?: "k6" | "here";
}

export interface MixCountResult {
  docs: number;
  weight: number;
  requests?: number;
  p50_ms?: number;
  p95_ms?: number;
  p99_ms?: number;
  p95_target_ms?: number;
  valid_rate?: number;
}

export interface ScenarioResult {
  name: string;
  docs: number;
  /** The rate this runner offered: the scenario's rate over the runners sharing it. */
  rps: number;
  runners: number;
  durationMs: number;
  requests?: number;
  achievedRps?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  p95TargetMs?: number;
  failedRate?: number;
  dropped?: number;
  maxDropped: number;
  /** Share of responses whose every check held (`rerank_valid`). */
  valid_rate?: number;
  /** A mix scenario, per documents count. */
  mix?: MixCountResult[];
  passed: boolean;
}

/** Either input shape, as one view: metrics by name (with legacy value names), checks, duration. */
export interface NormalisedSummary {
  format: "legacy" | "machine-readable";
  k6Version?: string;
  metrics: Record<string, K6Metric>;
  checks: K6Check[];
  durationMs: number;
}

export function isMachineReadable(data: SummaryInput): data is K6MachineReadableSummary {
  const d = data as Partial<K6MachineReadableSummary>;
  return typeof d.results === "object" && d.results !== null && Array.isArray(d.results.metrics);
}

export function normaliseSummary(data: SummaryInput): NormalisedSummary {
  if (!isMachineReadable(data)) {
    return { format: "legacy", metrics: data.metrics ?? {}, checks: checkTotals(data), durationMs: data.state?.testRunDurationMs ?? 0 };
  }
  const metrics: Record<string, K6Metric> = {};
  for (const m of data.results.metrics) {
    const values = { ...m.values };
    // Rates come as matches/total; the rest of this module reads legacy passes/fails/rate.
    if (m.type === "rate" && values.total !== undefined && values.matches !== undefined) {
      values.passes = values.matches;
      values.fails = values.total - values.matches;
    }
    metrics[m.name] = { type: m.type, ...(m.contains ? { contains: m.contains as K6Metric["contains"] } : {}), values };
  }
  return {
    format: "machine-readable",
    ...(data.metadata?.k6Version ? { k6Version: data.metadata.k6Version } : {}),
    metrics,
    checks: (data.results.checks?.results ?? []).map((c) => ({ name: c.name, passes: c.passes, fails: c.fails })),
    // config.duration is in seconds (machine_readable.go: s.TestRunDuration.Seconds()).
    durationMs: (data.config?.duration ?? 0) * 1000,
  };
}

const THRESHOLD_EXPR = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Evaluates `agg op number` as k6 does; undefined when the expression or the value is missing. */
export function evaluateThreshold(threshold: string, values: Record<string, number> | undefined): { ok?: boolean; observed?: number; aggregation?: string } {
  const m = THRESHOLD_EXPR.exec(threshold);
  if (!m) return {};
  const aggregation = m[1]!;
  const observed = values?.[aggregation];
  if (observed === undefined) return { aggregation };
  const limit = Number(m[3]);
  const ops: Record<string, (a: number, b: number) => boolean> = {
    "<": (a, b) => a < b,
    "<=": (a, b) => a <= b,
    ">": (a, b) => a > b,
    ">=": (a, b) => a >= b,
    "==": (a, b) => a === b,
    "===": (a, b) => a === b,
    "!=": (a, b) => a !== b,
  };
  return { ok: ops[m[2]!]!(observed, limit), observed, aggregation };
}

/**
 * A sub-metric's figures. The machine-readable summary has root metrics only; a `{scenario:X}`
 * sub-metric equals its root when X is the only scenario, so those are still judged.
 */
function figuresFor(key: string, n: NormalisedSummary, meta: SummaryMeta): Record<string, number> | undefined {
  const exact = n.metrics[key]?.values;
  if (exact || n.format === "legacy") return exact;
  const sub = /^([^{]+)\{\s*scenario:([^,}]+)\}$/.exec(key);
  if (sub && meta.scenarios.length === 1 && meta.scenarios[0]!.name === sub[2]!.trim()) return n.metrics[sub[1]!]?.values;
  return undefined;
}

export function thresholdResults(n: NormalisedSummary, meta: SummaryMeta): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  if (n.format === "legacy") {
    for (const [metric, m] of Object.entries(n.metrics)) {
      for (const [threshold, { ok }] of Object.entries(m.thresholds ?? {})) {
        if (threshold === REPORT_ONLY_THRESHOLD) continue;
        const { observed, aggregation } = evaluateThreshold(threshold, m.values);
        out.push({ metric, threshold, ok, ...(aggregation ? { aggregation } : {}), ...(observed !== undefined ? { observed } : {}), judged_by: "k6" });
      }
    }
  } else {
    for (const [metric, list] of Object.entries(meta.thresholds ?? {})) {
      for (const threshold of list) {
        if (threshold === REPORT_ONLY_THRESHOLD) continue;
        const r = evaluateThreshold(threshold, figuresFor(metric, n, meta));
        out.push({ metric, threshold, ...r, ...(r.ok !== undefined ? { judged_by: "here" as const } : {}) });
      }
    }
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric) || a.threshold.localeCompare(b.threshold));
}

export function checkTotals(data: K6SummaryData): K6Check[] {
  const totals = new Map<string, K6Check>();
  const walk = (g: K6Group | undefined) => {
    if (!g) return;
    for (const c of g.checks ?? []) {
      const t = totals.get(c.name) ?? { name: c.name, passes: 0, fails: 0 };
      t.passes += c.passes;
      t.fails += c.fails;
      totals.set(c.name, t);
    }
    for (const sub of g.groups ?? []) walk(sub);
  };
  walk(data.root_group);
  return [...totals.values()];
}

/** Trend statistics the report uses; `--summary-trend-stats` without them drops those figures. */
export const REPORT_TREND_STATS = ["med", "p(95)", "p(99)"] as const;

/** Report figures k6's summary lacks, e.g. `p(99)` when --summary-trend-stats leaves it out. */
export function missingTrendStats(n: NormalisedSummary): string[] {
  const trends = Object.entries(n.metrics).filter(([name, m]) => m.type === "trend" && name.startsWith("http_req_duration"));
  if (trends.length === 0) return [];
  return REPORT_TREND_STATS.filter((stat) => trends.every(([, m]) => m.values[stat] === undefined));
}

/** Responses a `rerank_valid` rate counted (passes + fails): every answered or timed-out request. */
function rateTotal(v: Record<string, number> | undefined): number | undefined {
  return v?.passes !== undefined && v.fails !== undefined ? v.passes + v.fails : undefined;
}

export function scenarioResults(n: NormalisedSummary, meta: SummaryMeta, thresholds: ThresholdResult[]): ScenarioResult[] {
  return meta.scenarios.map((s) => {
    const sub = (metric: string) => figuresFor(`${metric}{scenario:${s.name}}`, n, meta);
    const latency = sub("http_req_duration");
    const valid = sub(VALID_METRIC);
    // http_req_duration's count needs `count` in --summary-trend-stats; rerank_valid counts them too.
    const requests = latency?.count ?? rateTotal(valid);
    const activeMs = s.durationMs + s.rampMs / 2;
    const mine = thresholds.filter((t) => suiteOf(t.metric) === s.name);
    const mix = s.mix?.map((m): MixCountResult => {
      const key = `{scenario:${s.name},docs:${m.docs}}`;
      const lat = n.metrics[`http_req_duration${key}`]?.values;
      const v = n.metrics[`${VALID_METRIC}${key}`]?.values;
      const count = lat?.count ?? rateTotal(v);
      return {
        docs: m.docs,
        weight: m.weight,
        ...(count !== undefined ? { requests: count } : {}),
        ...(lat?.med !== undefined ? { p50_ms: lat.med } : {}),
        ...(lat?.["p(95)"] !== undefined ? { p95_ms: lat["p(95)"] } : {}),
        ...(lat?.["p(99)"] !== undefined ? { p99_ms: lat["p(99)"] } : {}),
        ...(m.p95Ms !== undefined ? { p95_target_ms: m.p95Ms } : {}),
        ...(v?.rate !== undefined ? { valid_rate: v.rate } : {}),
      };
    });
    return {
      name: s.name,
      docs: s.docs,
      rps: s.rps / s.runners,
      runners: s.runners,
      durationMs: s.durationMs,
      ...(requests !== undefined ? { requests, achievedRps: requests / (activeMs / 1000) } : {}),
      ...(latency?.med !== undefined ? { p50Ms: latency.med } : {}),
      ...(latency?.["p(95)"] !== undefined ? { p95Ms: latency["p(95)"] } : {}),
      ...(latency?.["p(99)"] !== undefined ? { p99Ms: latency["p(99)"] } : {}),
      ...(s.p95Ms !== undefined ? { p95TargetMs: s.p95Ms } : {}),
      ...(sub("http_req_failed")?.rate !== undefined ? { failedRate: sub("http_req_failed")!.rate } : {}),
      ...(sub("dropped_iterations")?.count !== undefined ? { dropped: sub("dropped_iterations")!.count } : {}),
      maxDropped: s.maxDropped,
      ...(valid?.rate !== undefined ? { valid_rate: valid.rate } : {}),
      ...(mix ? { mix } : {}),
      passed: mine.every((t) => t.ok !== false),
    };
  });
}

export interface RenderedSummary {
  /** null: k6's summary held no verdict for some threshold (machine-readable format); k6's exit code decides. */
  passed: boolean | null;
  text: string;
  json: string;
  junit: string;
}

export function renderSummary(data: SummaryInput, meta: SummaryMeta): RenderedSummary {
  const n = normaliseSummary(data);
  const thresholds = thresholdResults(n, meta);
  const scenarios = scenarioResults(n, meta, thresholds);
  const unjudged = thresholds.filter((t) => t.ok === undefined).length;
  const passed = thresholds.some((t) => t.ok === false) ? false : unjudged > 0 ? null : true;
  const missing = missingTrendStats(n);
  const scrub = scrubber(meta.secrets);
  const report = {
    tool: "rerank-harness k6",
    script: meta.script,
    passed,
    summary_format: n.format,
    ...(n.k6Version ? { k6_version: n.k6Version } : {}),
    target: { url: meta.url, dialect: meta.dialect, ...(meta.model ? { model: meta.model } : {}) },
    ...(meta.targets ? { targets: meta.targets } : {}),
    durationMs: n.durationMs,
    scenarios,
    thresholds,
    ...(unjudged > 0 ? { thresholds_not_reported: unjudged } : {}),
    ...(missing.length > 0 ? { missing_trend_stats: missing } : {}),
    checks: n.checks,
    // k6's own aggregates, for anything this report leaves out. `options` is left behind.
    metrics: n.metrics,
  };
  return {
    passed,
    text: scrub(renderText(meta, n, scenarios, thresholds, passed, missing)),
    // Report JSON convention (json-keys.ts): snake_case fields, versioned; k6's own metrics kept as k6 names them.
    json: scrub(JSON.stringify({ schema_version: 2, ...(snakeKeys({ ...report, metrics: undefined }) as object), metrics: report.metrics }, null, 2) + "\n"),
    junit: scrub(renderJUnit(meta, thresholds, n.checks, n.durationMs)),
  };
}

/** Removes secrets (and userinfo in URLs) from finished output, whatever produced it. */
export function scrubber(secrets: string[]): (text: string) => string {
  const live = secrets.filter((s) => s.length >= 4);
  return (text) => {
    let out = text.replace(/(https?:\/\/)[^\s/@"']+@/g, "$1[REDACTED]@");
    for (const s of live) out = out.split(s).join("[REDACTED]");
    return out;
  };
}

function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return "-";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(ms < 10 ? 2 : 1)}ms`;
}

const pct = (r: number | undefined): string => (r === undefined ? "-" : `${(r * 100).toFixed(2)}%`);

function fmtObserved(t: ThresholdResult, metricType: "time" | "rate" | "plain"): string {
  if (t.observed === undefined) return "no data";
  const v = metricType === "time" ? fmtMs(t.observed) : metricType === "rate" ? pct(t.observed) : String(t.observed);
  return `${t.aggregation}=${v}`;
}

function kindOf(t: ThresholdResult): "time" | "rate" | "plain" {
  if (t.aggregation === "rate") return "rate";
  return t.metric.startsWith("http_req_") || t.metric.startsWith("iteration_duration") ? "time" : "plain";
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function mark(ok: boolean | undefined): string {
  return ok === undefined ? "?" : ok ? "✓" : "✗";
}

function renderText(
  meta: SummaryMeta,
  n: NormalisedSummary,
  scenarios: ScenarioResult[],
  thresholds: ThresholdResult[],
  passed: boolean | null,
  missing: string[],
): string {
  const lines: string[] = [];
  lines.push(`rerank-harness k6 · ${meta.script} · ${meta.dialect} · ${meta.url}${meta.model ? ` · model ${meta.model}` : ""}`);
  if (meta.targets)
    lines.push(
      `targets: ${meta.targets.from === "default" ? "built-in default" : meta.targets.from} (${meta.targets.source.slice(0, 100)}${meta.targets.source.length > 100 ? "…" : ""})`,
    );
  const runners = scenarios[0]?.runners ?? 1;
  if (runners > 1) {
    lines.push(`one of ${runners} runners: rates are this runner's share, percentiles this runner's requests only (see k6/README.md)`);
  }
  lines.push(`ran ${fmtMs(n.durationMs)}`, "");

  const header = ["scenario", "docs", "rate/s", "reqs", "achieved/s", "p50", "p95", "p95 target", "p99", "failed", "dropped", "valid", ""];
  const rows: string[][] = [];
  for (const s of scenarios) {
    rows.push([
      s.name,
      s.mix ? "mix" : String(s.docs),
      String(+s.rps.toFixed(2)),
      s.requests === undefined ? "-" : String(s.requests),
      s.achievedRps === undefined ? "-" : s.achievedRps.toFixed(1),
      fmtMs(s.p50Ms),
      fmtMs(s.p95Ms),
      s.p95TargetMs === undefined ? "-" : `≤${s.p95TargetMs}ms`,
      fmtMs(s.p99Ms),
      pct(s.failedRate),
      `${s.dropped ?? 0}/${s.maxDropped}`,
      pct(s.valid_rate),
      s.passed ? "✓" : "✗",
    ]);
    // A mix, per documents count (its share of requests, p95 against that count's target).
    for (const m of s.mix ?? []) {
      rows.push([
        `  ${m.docs} docs`,
        String(m.docs),
        `${(m.weight * 100).toFixed(0)}%`,
        m.requests === undefined ? "-" : String(m.requests),
        "",
        fmtMs(m.p50_ms),
        fmtMs(m.p95_ms),
        m.p95_target_ms === undefined ? "-" : `≤${m.p95_target_ms}ms`,
        fmtMs(m.p99_ms),
        "",
        "",
        pct(m.valid_rate),
        "",
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    lines.push(
      "  " +
        r
          .map((c, i) => pad(c, widths[i]!))
          .join("  ")
          .trimEnd(),
    );
  if (missing.length > 0) {
    // The machine-readable schema has a fixed set of trend values; the legacy one follows --summary-trend-stats.
    lines.push(
      n.format === "machine-readable"
        ? `  (${missing.join(", ")} not in k6's summary: its machine-readable format has avg, min, med, max, p(90) and p(95) only)`
        : `  (${missing.join(", ")} not in k6's summary: add ${missing.length > 1 ? "them" : "it"} to --summary-trend-stats, or leave that flag out)`,
    );
  }

  lines.push("", "thresholds");
  const mw = Math.max(0, ...thresholds.map((t) => t.metric.length));
  for (const t of thresholds) {
    const note = t.ok === undefined ? "  not in k6's machine-readable summary" : t.judged_by === "here" ? "  (judged from k6's figures)" : "";
    lines.push(`  ${mark(t.ok)} ${pad(t.metric, mw)}  ${pad(t.threshold, 14)}  ${fmtObserved(t, kindOf(t))}${note}`);
  }

  lines.push("", "checks (per check; a response is valid when all of its checks hold)");
  const cw = Math.max(0, ...n.checks.map((c) => c.name.length));
  for (const c of n.checks) lines.push(`  ${c.fails === 0 ? "✓" : "✗"} ${pad(c.name, cw)}  ${c.passes} passed, ${c.fails} failed`);

  const failed = thresholds.filter((t) => t.ok === false).length;
  const unjudged = thresholds.filter((t) => t.ok === undefined).length;
  lines.push("");
  if (n.format === "machine-readable") {
    lines.push(
      `k6's machine-readable summary (K6_NEW_MACHINE_READABLE_SUMMARY) carries no threshold results: ${thresholds.length - unjudged} of ${thresholds.length} judged here from its figures`,
    );
  }
  if (passed === false) lines.push(`FAILED: ${failed} of ${thresholds.length} thresholds not met (k6 exits with code 99)`);
  else if (passed === null)
    lines.push(
      `NOT JUDGED: ${unjudged} of ${thresholds.length} thresholds are not in this summary; k6's exit code is the verdict (0 passed, 99 a threshold failed)`,
    );
  else lines.push(`PASSED: ${thresholds.length} thresholds met`);
  lines.push("");
  return lines.join("\n");
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** The scenario a threshold belongs to (its `scenario` tag), or "global". */
function suiteOf(metric: string): string {
  return /\{(?:[^}]*,)?\s*scenario:([^,}]+)/.exec(metric)?.[1]?.trim() ?? "global";
}

function renderJUnit(meta: SummaryMeta, thresholds: ThresholdResult[], checks: K6Check[], durationMs: number): string {
  const suites = new Map<string, ThresholdResult[]>();
  for (const t of thresholds) suites.set(suiteOf(t.metric), [...(suites.get(suiteOf(t.metric)) ?? []), t]);
  const failures = thresholds.filter((t) => t.ok === false).length;
  const seconds = (durationMs / 1000).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${xml(`rerank-harness k6 ${meta.script}`)}" tests="${thresholds.length}" failures="${failures}" errors="0" time="${seconds}">`);
  let first = true;
  for (const [suite, list] of suites) {
    const f = list.filter((t) => t.ok === false).length;
    const skipped = list.filter((t) => t.ok === undefined).length;
    out.push(`  <testsuite name="${xml(`${meta.script}.${suite}`)}" tests="${list.length}" failures="${f}" errors="0" skipped="${skipped}" time="${seconds}">`);
    // Check totals are context for the validity thresholds; they ride along once, as properties.
    if (first && checks.length > 0) {
      out.push("    <properties>");
      for (const c of checks) out.push(`      <property name="${xml(`check: ${c.name}`)}" value="${c.passes} passed, ${c.fails} failed"/>`);
      out.push("    </properties>");
    }
    first = false;
    for (const t of list) {
      out.push(`    <testcase classname="${xml(`${meta.script}.${suite}`)}" name="${xml(`${t.metric} ${t.threshold}`)}" time="0">`);
      if (t.ok === undefined) {
        out.push(`      <skipped message="${xml("not in k6's machine-readable summary; k6's exit code is the verdict")}"/>`);
      } else if (!t.ok) {
        const msg = `${fmtObserved(t, kindOf(t))} does not satisfy ${t.threshold}`;
        out.push(`      <failure type="threshold" message="${xml(msg)}">${xml(`${t.metric}: ${msg}`)}</failure>`);
      }
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

export const JUNIT_BEGIN = "----- BEGIN rerank-harness junit";
export const JUNIT_END = "----- END rerank-harness junit";

/**
 * What handleSummary returns: the text on stdout, and text, JSON and JUnit files in `dir`. k6
 * does not create `dir` and only logs a failed write (internal/cmd/run.go:578-601, v2.2.0), so
 * the text says where the files went; `junitStdout` also prints the JUnit between markers, for
 * runners whose files vanish with them (k6-operator pods).
 */
export function summaryOutputs(data: SummaryInput, meta: SummaryMeta, dir: string, junitStdout = false): Record<string, string> {
  const r = renderSummary(data, meta);
  const base = `${dir}/${meta.script}`;
  const where = `summary files: ${base}-summary.txt, -summary.json, -junit.xml (k6 logs "Could not save some summary information" if they could not be written)\n`;
  const stdout = r.text + where + (junitStdout ? `${JUNIT_BEGIN} ${meta.script}\n${r.junit}${JUNIT_END} ${meta.script}\n` : "");
  return {
    stdout,
    [`${base}-summary.txt`]: r.text,
    [`${base}-summary.json`]: r.json,
    [`${base}-junit.xml`]: r.junit,
  };
}

export class SummaryDirError extends Error {
  override readonly name = "SummaryDirError";
  readonly code = "ERR_K6_SUMMARY_DIR";
}

/**
 * Stops the run at init when SUMMARY_DIR does not exist: k6 would run the whole test and then
 * only log that it could not write the files. k6's open() refuses a directory with "can't be used
 * with directories" (internal/js/initcontext.go:49-53, v2.2.0) and any other error means the
 * path is not there. Only absolute paths are probed (open() resolves relative ones against the
 * script, handleSummary against the working directory), and only in the first init (`__VU` 0):
 * later VUs may open only files the first one opened. Run from an archive (`k6 inspect` in
 * k6-operator's initializer, `k6 cloud` runners), open() sees only the archived files
 * (lib/archive.go: a MemMapFs), while handleSummary still writes to the machine: there the
 * probe would be wrong, so it runs only where open() finds /dev, i.e. the machine's own files.
 */
export function checkSummaryDir(dir: string, open: (path: string) => string, vu: number): void {
  if (vu !== 0 || !dir.startsWith("/")) return;
  const isDir = (path: string): boolean | undefined => {
    try {
      open(path);
      return false;
    } catch (err) {
      return /can't be used with directories/.test(String((err as Error)?.message ?? err)) ? true : undefined;
    }
  };
  if (isDir("/dev") !== true) return;
  const found = isDir(dir);
  if (found === undefined) {
    throw new SummaryDirError(
      `SUMMARY_DIR ${dir} does not exist: k6 does not create it and would lose the summary files; create it first (or set SUMMARY_DIR to an existing folder)`,
    );
  }
  if (found === false) throw new SummaryDirError(`SUMMARY_DIR ${dir} is a file, not a folder`);
}
