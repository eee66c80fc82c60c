import type { CompareReport, CompareTargetResult } from "../compare/report.js";
import { qualityNotes, qualityRows } from "./quality-console.js";
import { PLAIN, plural, verdict, type Colors } from "./style.js";

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
    row("checks pass/fail/warn/skip", (x) =>
      x.conformance ? `${x.conformance.summary.pass}/${x.conformance.summary.fail}/${x.conformance.summary.warn}/${x.conformance.summary.skip}` : dash,
    );
    row("checks verdict", (x) => (x.conformance ? (x.conformance.passed ? "PASS" : "FAIL") : dash));
  }
  if (!report.settings.skip_load) {
    for (const name of capacityNames(report)) {
      const first = t.flatMap((x) => x.capacity ?? []).find((c) => c.scenario === name)!;
      row(`${name} capacity req/s${first.target_p95_ms !== null ? ` (p95≤${ms(first.target_p95_ms)})` : ""}`, (x) => {
        const c = x.capacity?.find((y) => y.scenario === name);
        if (!c) return dash;
        if (c.max_rps === null) return "none passed";
        return `${c.stopped_by === "max_rate" || c.stopped_by === "budget" ? "≥" : ""}${fixed(c.max_rps, 1)}`;
      });
    }
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
  row("mean |Δscore| vs baseline (probability scale)", (x, i) => {
    if (i === 0) return "(baseline)";
    const a = vsBase(x, i);
    if (!a) return dash;
    if (!("mean_abs_delta_score" in a)) return "n/a (other model)";
    const mapped = a.score_kinds && (a.score_kinds.a === "logit" || a.score_kinds.b === "logit") ? " (logits → sigmoid)" : "";
    return fixed(a.mean_abs_delta_score, 4) + mapped;
  });
  rows.push(...qualityRows(report));
  return rows;
}

function capacityNames(report: CompareReport): string[] {
  const names: string[] = [];
  for (const t of report.targets) for (const c of t.capacity ?? []) if (!names.includes(c.scenario)) names.push(c.scenario);
  return names;
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
  for (const t of ran) for (const o of t.conformance!.checks) if (!ids.includes(o.id)) ids.push(o.id);
  const out = [];
  for (const id of ids) {
    const statuses: Record<string, string> = {};
    let level = "";
    for (const t of ran) {
      const o = t.conformance!.checks.find((x) => x.id === id);
      statuses[t.label] = o?.status ?? "absent";
      level ||= o?.level ?? "";
    }
    if (new Set(Object.values(statuses)).size > 1) out.push({ id, level, statuses });
  }
  return out;
}

/** The run's verdict in words, and why it failed (the same on the console and the HTML page). */
export function overallVerdict(report: CompareReport): { passed: boolean; text: string; reasons: string[] } {
  const reasons: string[] = [];
  for (const t of report.targets) {
    if (t.error !== undefined) {
      reasons.push(`${t.label} could not start`);
      continue;
    }
    if (t.conformance && !t.conformance.passed) {
      // Failures; with --strict a run can fail on warnings alone.
      const fails = t.conformance.checks.filter((o) => o.status === "fail");
      const culprits = fails.length > 0 ? fails : t.conformance.checks.filter((o) => o.status === "warn");
      reasons.push(`${t.label}: ${plural(culprits.length, "check")} failed (${culprits.map((o) => o.id).join(", ")})`);
    }
    const failedScenarios = (t.load?.scenarios ?? []).filter((s) => !s.pass);
    for (const s of failedScenarios) reasons.push(`${t.label}: load ${s.name} missed its target (${s.failures.join("; ") || "failed"})`);
  }
  const text = report.targets.some((t) => t.error !== undefined)
    ? "FAIL (a target could not start)"
    : report.passed
      ? "PASS"
      : "FAIL (a MUST check or a load threshold failed)";
  return { passed: report.passed, text, reasons };
}

export function renderCompareConsole(report: CompareReport, { colors = PLAIN }: { colors?: Colors } = {}): string {
  const rows = compareRows(report);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const lines = [`compare: ${report.targets.length} targets, baseline ${report.targets[0]?.label ?? dash}`, ""];
  // Verdict cells are coloured after padding, so the columns stay aligned.
  const paint = (cell: string, padded: string) => (cell === "PASS" || cell === "FAIL" ? padded.replace(cell, verdict(colors, cell === "PASS")) : padded);
  lines.push(
    ...rows.map((r) =>
      r
        .map((cell, c) => paint(cell, cell.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd(),
    ),
  );
  const differing = differingChecks(report);
  if (differing.length > 0) {
    lines.push("", "checks that differ:");
    for (const d of differing)
      lines.push(
        `  ${d.id} (${d.level}): ${Object.entries(d.statuses)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")}`,
      );
  }
  lines.push(...qualityNotes(report));
  const loadNotes = report.targets.flatMap((t) => (t.load?.scenarios ?? []).flatMap((s) => s.failures.map((f) => `  ${t.label} ${s.name}: ${f}`)));
  if (loadNotes.length > 0) lines.push("", "load thresholds missed:", ...loadNotes);
  for (const t of report.targets) {
    if (t.error) lines.push("", `${t.label} could not start: ${t.error}`);
    if (t.agreement_failures?.length)
      lines.push("", `${t.label}: ${t.agreement_failures.length} labelled sets not scored: ${t.agreement_failures.slice(0, 3).join("; ")}`);
  }
  lines.push("", `result: ${verdict(colors, report.passed, overallVerdict(report).text)}`);
  return lines.join("\n") + "\n";
}
