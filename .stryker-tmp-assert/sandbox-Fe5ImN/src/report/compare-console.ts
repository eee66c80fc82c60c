// @ts-nocheck
import type { CompareReport, CompareTargetResult } from "../compare/report.js";

// The side-by-side table `rerank-harness compare` prints: one column per target.

const dash = "–";
const fixed = (x: number | null | undefined, digits: number): string => (x === null || x === undefined ? dash : x.toFixed(digits));
const ms = (x: number | undefined): string => (x === undefined ? dash : x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Rows of [what, target 1, target 2, …]. */
export function compareRows(report: CompareReport): string[][] {
  const t = report.targets;
  const rows: string[][] = [["", ...t.map((x) => x.label)]];
  const row = (name: string, cell: (x: CompareTargetResult, i: number) => string) => rows.push([name, ...t.map(cell)]);
  row("dialect", (x) => x.dialect || dash);
  row("model", (x) => x.model ?? dash);
  row("started", (x) => (x.error ? "NO (see below)" : "yes"));
  if (!report.settings.skip_checks) {
    row("checks pass/fail/warn/skip", (x) => (x.conformance ? `${x.conformance.summary.pass}/${x.conformance.summary.fail}/${x.conformance.summary.warn}/${x.conformance.summary.skip}` : dash));
    row("checks verdict", (x) => (x.conformance ? (x.conformance.passed ? "PASS" : "FAIL") : dash));
  }
  if (!report.settings.skip_load) {
    for (const name of scenarioNames(report)) {
      const scenario = (x: CompareTargetResult) => x.load?.scenarios.find((s) => s.name === name);
      row(`${name} p50/p95/p99 ms`, (x) => {
        const s = scenario(x);
        return s ? `${ms(s.latency_ms.p50)}/${ms(s.latency_ms.p95)}/${ms(s.latency_ms.p99)}` : dash;
      });
      row(`${name} achieved req/s`, (x) => {
        const s = scenario(x);
        if (!s) return dash;
        const offered = s.offered_rps !== null ? ` of ${fixed(s.offered_rps, 1)}` : "";
        return `${fixed(s.achieved_rps, 1)}${offered}${s.errors + s.dropped > 0 ? ` (${s.errors + s.dropped} err/drop)` : ""}`;
      });
      row(`${name} verdict`, (x) => {
        const s = scenario(x);
        return s ? (s.pass ? "PASS" : "FAIL") : dash;
      });
    }
  }
  row("labels hit@1 / MRR", (x) => (x.labels ? `${fixed(x.labels.hit_at_1, 2)} / ${fixed(x.labels.mrr, 2)}` : dash));
  const vsBase = (x: CompareTargetResult, i: number) => (i === 0 ? undefined : report.agreement.find((a) => a.b === x.label && a.a === t[0]!.label));
  row("top-1 agreement vs baseline", (x, i) => (i === 0 ? "(baseline)" : fixed(vsBase(x, i)?.top1, 2)));
  row("Kendall tau vs baseline", (x, i) => (i === 0 ? "(baseline)" : fixed(vsBase(x, i)?.kendall_tau, 3)));
  row("mean |Δscore| vs baseline", (x, i) => {
    if (i === 0) return "(baseline)";
    const a = vsBase(x, i);
    if (!a) return dash;
    return "mean_abs_delta_score" in a ? fixed(a.mean_abs_delta_score, 4) : "n/a (other model)";
  });
  return rows;
}

function scenarioNames(report: CompareReport): string[] {
  const names: string[] = [];
  for (const t of report.targets) for (const s of t.load?.scenarios ?? []) if (!names.includes(s.name)) names.push(s.name);
  return names;
}

/** Check ids whose status is not the same on every target that ran the checks. */
export function differingChecks(report: CompareReport): Array<{ id: string; level: string; statuses: Record<string, string> }> {
  const ran = report.targets.filter((t) => t.conformance);
  if (ran.length < 2) return [];
  const ids: string[] = [];
  for (const t of ran) for (const o of t.conformance!.outcomes) if (!ids.includes(o.id)) ids.push(o.id);
  const out = [];
  for (const id of ids) {
    const statuses: Record<string, string> = {};
    let level = "";
    for (const t of ran) {
      const o = t.conformance!.outcomes.find((x) => x.id === id);
      statuses[t.label] = o?.status ?? "absent";
      level ||= o?.level ?? "";
    }
    if (new Set(Object.values(statuses)).size > 1) out.push({ id, level, statuses });
  }
  return out;
}

export function renderCompareConsole(report: CompareReport): string {
  const rows = compareRows(report);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const lines = [`compare: ${report.targets.length} targets, baseline ${report.targets[0]?.label ?? dash}`, ""];
  lines.push(...rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()));
  const differing = differingChecks(report);
  if (differing.length > 0) {
    lines.push("", "checks that differ:");
    for (const d of differing) lines.push(`  ${d.id} (${d.level}): ${Object.entries(d.statuses).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  }
  const loadNotes = report.targets.flatMap((t) => (t.load?.scenarios ?? []).flatMap((s) => s.failures.map((f) => `  ${t.label} ${s.name}: ${f}`)));
  if (loadNotes.length > 0) lines.push("", "load thresholds missed:", ...loadNotes);
  for (const t of report.targets) {
    if (t.error) lines.push("", `${t.label} could not start: ${t.error}`);
    if (t.agreement_failures?.length) lines.push("", `${t.label}: ${t.agreement_failures.length} labelled sets not scored: ${t.agreement_failures.slice(0, 3).join("; ")}`);
  }
  const verdict = report.targets.some((t) => t.error) ? "a target could not start" : report.passed ? "PASS" : "FAIL (a MUST check or a load threshold failed)";
  lines.push("", `result: ${verdict}`);
  return lines.join("\n") + "\n";
}
