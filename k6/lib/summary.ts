import type { PlannedScenario } from "./plan.js";
import { snakeKeys } from "../../src/report/json-keys.js";

// handleSummary's output: a text summary for the console, a JSON report and JUnit XML (one
// testcase per threshold), so a k6 run gates CI the way `rerank-harness check` does.
// Input is k6's end-of-test summary object (the shape handleSummary has always received).

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

export interface K6SummaryData {
  metrics: Record<string, K6Metric>;
  root_group?: K6Group;
  state?: { testRunDurationMs?: number };
  options?: unknown;
  setup_data?: unknown;
}

export interface SummaryMeta {
  /** `rerank-load` or `rerank-smoke`. */
  script: string;
  dialect: string;
  url: string;
  model?: string;
  targets?: { from: string; source: string; model?: string; hardware?: string; tolerance: number };
  scenarios: PlannedScenario[];
  /** Values that must not appear in any output (the API key). */
  secrets: string[];
}

export interface ThresholdResult {
  metric: string;
  threshold: string;
  ok: boolean;
  /** The aggregation's observed value, when the summary has it. */
  observed?: number;
  aggregation?: string;
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
  checksRate?: number;
  passed: boolean;
}

const THRESHOLD_EXPR = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)/;

export function thresholdResults(data: K6SummaryData): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [threshold, { ok }] of Object.entries(m.thresholds ?? {})) {
      const agg = THRESHOLD_EXPR.exec(threshold)?.[1];
      const observed = agg !== undefined ? m.values[agg] : undefined;
      out.push({ metric, threshold, ok, ...(agg ? { aggregation: agg } : {}), ...(observed !== undefined ? { observed } : {}) });
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

export function scenarioResults(data: K6SummaryData, meta: SummaryMeta, thresholds: ThresholdResult[]): ScenarioResult[] {
  return meta.scenarios.map((s) => {
    const sub = (metric: string) => data.metrics[`${metric}{scenario:${s.name}}`]?.values;
    const latency = sub("http_req_duration");
    const requests = latency?.count;
    const activeMs = s.durationMs + s.rampMs / 2;
    const mine = thresholds.filter((t) => t.metric.endsWith(`{scenario:${s.name}}`));
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
      ...(sub("checks")?.rate !== undefined ? { checksRate: sub("checks")!.rate } : {}),
      passed: mine.every((t) => t.ok),
    };
  });
}

export interface RenderedSummary {
  passed: boolean;
  text: string;
  json: string;
  junit: string;
}

export function renderSummary(data: K6SummaryData, meta: SummaryMeta): RenderedSummary {
  const thresholds = thresholdResults(data);
  const checks = checkTotals(data);
  const scenarios = scenarioResults(data, meta, thresholds);
  const passed = thresholds.every((t) => t.ok);
  const durationMs = data.state?.testRunDurationMs ?? 0;
  const scrub = scrubber(meta.secrets);
  const report = {
    tool: "rerank-harness k6",
    script: meta.script,
    passed,
    target: { url: meta.url, dialect: meta.dialect, ...(meta.model ? { model: meta.model } : {}) },
    ...(meta.targets ? { targets: meta.targets } : {}),
    durationMs,
    scenarios,
    thresholds,
    checks,
    // k6's own aggregates, for anything this report leaves out. `options` is left behind.
    metrics: data.metrics,
  };
  return {
    passed,
    text: scrub(renderText(meta, scenarios, thresholds, checks, passed, durationMs)),
    // Report JSON convention (src/report/json-keys.ts): snake_case fields, versioned; k6's own metrics kept as k6 names them.
    json: scrub(JSON.stringify({ schema_version: 2, ...(snakeKeys({ ...report, metrics: undefined }) as object), metrics: report.metrics }, null, 2) + "\n"),
    junit: scrub(renderJUnit(meta, thresholds, checks, durationMs)),
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

function fmtObserved(t: ThresholdResult, metricType: "time" | "rate" | "plain"): string {
  if (t.observed === undefined) return "no data";
  const v = metricType === "time" ? fmtMs(t.observed) : metricType === "rate" ? `${(t.observed * 100).toFixed(2)}%` : String(t.observed);
  return `${t.aggregation}=${v}`;
}

function kindOf(t: ThresholdResult): "time" | "rate" | "plain" {
  if (t.aggregation === "rate") return "rate";
  return t.metric.startsWith("http_req_") || t.metric.startsWith("iteration_duration") ? "time" : "plain";
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function renderText(meta: SummaryMeta, scenarios: ScenarioResult[], thresholds: ThresholdResult[], checks: K6Check[], passed: boolean, durationMs: number): string {
  const lines: string[] = [];
  lines.push(`rerank-harness k6 · ${meta.script} · ${meta.dialect} · ${meta.url}${meta.model ? ` · model ${meta.model}` : ""}`);
  if (meta.targets) lines.push(`targets: ${meta.targets.from === "default" ? "built-in default" : meta.targets.from} (${meta.targets.source.slice(0, 100)}${meta.targets.source.length > 100 ? "…" : ""})`);
  const runners = scenarios[0]?.runners ?? 1;
  if (runners > 1) {
    lines.push(`one of ${runners} runners: rates are this runner's share, percentiles this runner's requests only (see k6/README.md)`);
  }
  lines.push(`ran ${fmtMs(durationMs)}`, "");

  const header = ["scenario", "docs", "rate/s", "reqs", "achieved/s", "p50", "p95", "p95 target", "p99", "failed", "dropped", "checks", ""];
  const rows = scenarios.map((s) => [
    s.name,
    String(s.docs),
    String(+s.rps.toFixed(2)),
    s.requests === undefined ? "-" : String(s.requests),
    s.achievedRps === undefined ? "-" : s.achievedRps.toFixed(1),
    fmtMs(s.p50Ms),
    fmtMs(s.p95Ms),
    s.p95TargetMs === undefined ? "-" : `≤${s.p95TargetMs}ms`,
    fmtMs(s.p99Ms),
    s.failedRate === undefined ? "-" : `${(s.failedRate * 100).toFixed(2)}%`,
    `${s.dropped ?? 0}/${s.maxDropped}`,
    s.checksRate === undefined ? "-" : `${(s.checksRate * 100).toFixed(2)}%`,
    s.passed ? "✓" : "✗",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) lines.push("  " + r.map((c, i) => pad(c, widths[i]!)).join("  ").trimEnd());

  lines.push("", "thresholds");
  const mw = Math.max(0, ...thresholds.map((t) => t.metric.length));
  for (const t of thresholds) lines.push(`  ${t.ok ? "✓" : "✗"} ${pad(t.metric, mw)}  ${pad(t.threshold, 14)}  ${fmtObserved(t, kindOf(t))}`);

  lines.push("", "checks");
  const cw = Math.max(0, ...checks.map((c) => c.name.length));
  for (const c of checks) lines.push(`  ${c.fails === 0 ? "✓" : "✗"} ${pad(c.name, cw)}  ${c.passes} passed, ${c.fails} failed`);

  const failed = thresholds.filter((t) => !t.ok).length;
  lines.push(
    "",
    passed
      ? `PASSED: ${thresholds.length} thresholds met`
      : `FAILED: ${failed} of ${thresholds.length} thresholds not met (k6 exits with code 99)`,
    "",
  );
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
  const failures = thresholds.filter((t) => !t.ok).length;
  const seconds = (durationMs / 1000).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${xml(`rerank-harness k6 ${meta.script}`)}" tests="${thresholds.length}" failures="${failures}" errors="0" time="${seconds}">`);
  let first = true;
  for (const [suite, list] of suites) {
    const f = list.filter((t) => !t.ok).length;
    out.push(`  <testsuite name="${xml(`${meta.script}.${suite}`)}" tests="${list.length}" failures="${f}" errors="0" skipped="0" time="${seconds}">`);
    // Check totals are context for the checks-rate thresholds; they ride along once, as properties.
    if (first && checks.length > 0) {
      out.push("    <properties>");
      for (const c of checks) out.push(`      <property name="${xml(`check: ${c.name}`)}" value="${c.passes} passed, ${c.fails} failed"/>`);
      out.push("    </properties>");
    }
    first = false;
    for (const t of list) {
      out.push(`    <testcase classname="${xml(`${meta.script}.${suite}`)}" name="${xml(`${t.metric} ${t.threshold}`)}" time="0">`);
      if (!t.ok) {
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

/** What handleSummary returns: the text on stdout, and text, JSON and JUnit files in `dir`. */
export function summaryOutputs(data: K6SummaryData, meta: SummaryMeta, dir: string): Record<string, string> {
  const r = renderSummary(data, meta);
  const base = `${dir}/${meta.script}`;
  return {
    stdout: r.text,
    [`${base}-summary.txt`]: r.text,
    [`${base}-summary.json`]: r.json,
    [`${base}-junit.xml`]: r.junit,
  };
}
