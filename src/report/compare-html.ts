import type { CompareReport } from "../compare/report.js";
import { differingChecks, overallVerdict } from "./compare-console.js";
import { escapeHtml } from "./html/escape.js";
import { renderLoadHtml } from "./load-html.js";
import { qualitySections } from "./quality-html.js";

// The comparison page: the load charts of every target side by side (renderLoadHtml), then the
// conformance matrix and the ranking agreement tables.

const fixed = (x: number | null | undefined, digits: number): string => (x === null || x === undefined ? "–" : x.toFixed(digits));
const STATUS_CLASS: Record<string, string> = { pass: "pass", fail: "fail", warn: "warn", skip: "skip" };

export function renderCompareHtml(report: CompareReport, options: { title?: string } = {}): string {
  const runs = report.targets.filter((t) => t.load).map((t) => ({ label: t.label, report: t.load! }));
  const title = options.title ?? `Comparison: ${report.targets.map((t) => t.label).join(" vs ")}`;
  return renderLoadHtml(runs, {
    title,
    leadSectionsHtml: [verdictSection(report)],
    runVerdictLabel: "load",
    extraSectionsHtml: [targetsSection(report), conformanceSection(report), agreementSection(report), ...qualitySections(report)].filter((s) => s !== ""),
  });
}

/** The page opens with the run's verdict (the one the exit code follows) and, when it failed, why. */
function verdictSection(report: CompareReport): string {
  const v = overallVerdict(report);
  const reasons = v.reasons.length > 0 ? `<ul class="reasons">${v.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>` : "";
  return `<section class="card verdict verdict-${v.passed ? "pass" : "fail"}" id="compare-verdict"><h2>Result: <span class="${v.passed ? "pass" : "fail"}">${escapeHtml(v.text)}</span></h2>${reasons}
<p class="meta">The result covers every target: a failed MUST check (or SHOULD with --strict), a missed load threshold or a target that could not start fails the run (exit 1, or 2 when a target could not start).</p>
<style>section.verdict-pass { border-left: 6px solid var(--pass); } section.verdict-fail { border-left: 6px solid var(--fail); } section.verdict h2 { font-size: 20px; } ul.reasons { margin: 4px 0 8px; padding-left: 18px; }</style></section>`;
}

function targetsSection(report: CompareReport): string {
  const rows = report.targets.map(
    (t) =>
      `<tr><td>${escapeHtml(t.label)}</td><td>${escapeHtml(t.dialect || "–")}</td><td>${escapeHtml(t.model ?? "–")}</td>` +
      `<td>${escapeHtml(t.base_url ?? "–")}</td><td class="${t.error ? "fail" : "pass"}">${t.error ? escapeHtml(t.error) : "started"}</td></tr>`,
  );
  return `<section class="card" id="compare-targets"><h2>Targets</h2><table><tr><th>target</th><th>dialect</th><th>model</th><th>base URL</th><th>start</th></tr>${rows.join("")}</table>
<p class="meta">Run one after another with the same seeded workload (seed ${report.settings.seed}); the first target is the baseline.</p></section>`;
}

function conformanceSection(report: CompareReport): string {
  const ran = report.targets.filter((t) => t.conformance);
  if (ran.length === 0) return "";
  const differing = new Set(differingChecks(report).map((d) => d.id));
  const ids: string[] = [];
  for (const t of ran) for (const o of t.conformance!.checks) if (!ids.includes(o.id)) ids.push(o.id);
  const head = `<tr><th>check</th><th>level</th>${ran.map((t) => `<th>${escapeHtml(t.label)}</th>`).join("")}</tr>`;
  const summary = `<tr><td><b>summary</b> (pass/fail/warn/skip)</td><td></td>${ran
    .map((t) => {
      const s = t.conformance!.summary;
      return `<td class="${t.conformance!.passed ? "pass" : "fail"}">${s.pass}/${s.fail}/${s.warn}/${s.skip}</td>`;
    })
    .join("")}</tr>`;
  const rows = ids.map((id) => {
    const first = ran.map((t) => t.conformance!.checks.find((o) => o.id === id)).find((o) => o);
    const cells = ran.map((t) => {
      const o = t.conformance!.checks.find((x) => x.id === id);
      if (!o) return "<td>–</td>";
      const tip = o.message ? ` title="${escapeHtml(o.message)}"` : "";
      return `<td class="${STATUS_CLASS[o.status] ?? ""}"${tip}>${escapeHtml(o.status)}</td>`;
    });
    const mark = differing.has(id) ? ' class="differs"' : "";
    return `<tr${mark}><td title="${escapeHtml(first?.statement ?? "")}">${escapeHtml(id)}</td><td>${escapeHtml(first?.level ?? "")}</td>${cells.join("")}</tr>`;
  });
  return `<section class="card" id="compare-conformance"><h2>Conformance</h2>
<style>tr.differs td:first-child { font-weight: 600; } tr.differs { background: #fff8e1; } td.warn { color: #b26a00; font-weight: 600; } td.skip { color: var(--muted); }</style>
<table>${head}${summary}${rows.join("")}</table>
<p class="meta">Highlighted rows differ between targets. Hover a status for its message.</p></section>`;
}

function agreementSection(report: CompareReport): string {
  const labels = report.targets.filter((t) => t.labels);
  if (labels.length === 0) return "";
  const labelRows = labels.map(
    (t) =>
      `<tr><td>${escapeHtml(t.label)}</td><td class="num">${t.labels!.sets}</td><td class="num">${fixed(t.labels!.hit_at_1, 2)}</td><td class="num">${fixed(t.labels!.mrr, 3)}</td></tr>`,
  );
  const pairRows = report.agreement.map(
    (a) =>
      `<tr><td>${escapeHtml(a.a)}</td><td>${escapeHtml(a.b)}</td><td class="num">${a.sets}</td><td class="num">${fixed(a.top1, 2)}</td><td class="num">${fixed(a.kendall_tau, 3)}</td>` +
      `<td class="num">${"mean_abs_delta_score" in a ? fixed(a.mean_abs_delta_score, 4) : "n/a (different models)"}</td></tr>`,
  );
  return `<section class="card" id="compare-agreement"><h2>Ranking agreement</h2>
<h3>Against the labels (${report.settings.relevance_sets} labelled sets)</h3>
<table><tr><th>target</th><th class="num">sets scored</th><th class="num">hit@1</th><th class="num">MRR</th></tr>${labelRows.join("")}</table>
<h3 style="margin-top:14px">Against the baseline</h3>
<table><tr><th>baseline</th><th>target</th><th class="num">sets</th><th class="num">top-1 agreement</th><th class="num">Kendall tau-b</th><th class="num">mean |Δscore| (probability)</th></tr>${pairRows.join("")}</table>
<p class="meta">Top-1 agreement: share of sets where both put the same document first. Kendall tau-b: rank correlation of the two score vectors per set (ties handled), averaged. Mean |Δscore| only when both serve the same model (or --same-model), on the probability scale: logit scores (llama.cpp, or Jina scores outside [0, 1]) go through the sigmoid first.</p></section>`;
}
