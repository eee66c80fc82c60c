import type { CompareReport } from "../compare/report.js";
import { escapeHtml } from "./html/escape.js";
import { formatMoney } from "./quality-console.js";

// compare's HTML sections for --dataset (metrics per target, paired tests) and --price (cost).

const fixed = (x: number | null | undefined, digits: number): string => (x === null || x === undefined ? "–" : x.toFixed(digits));
const pValue = (p: number) => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));

export function qualitySections(report: CompareReport): string[] {
  return [datasetSection(report), costSection(report)].filter((s) => s !== "");
}

function datasetSection(report: CompareReport): string {
  const d = report.settings.dataset;
  if (!d) return "";
  const rows = report.targets.map((t) => {
    const q = t.quality;
    return `<tr><td>${escapeHtml(t.label)}</td><td class="num">${fixed(q?.ndcg_at_10, 4)}</td><td class="num">${fixed(q?.map, 4)}</td><td class="num">${fixed(q?.mrr_at_10, 4)}</td><td class="num">${fixed(q?.recall_at_10, 4)}</td><td class="num">${q ? q.queries : "–"}</td><td class="num">${q ? q.failed_queries : "–"}</td></tr>`;
  });
  const tests = (report.quality_tests ?? []).map(
    (t) =>
      `<tr><td>${escapeHtml(t.a)}</td><td>${escapeHtml(t.b)}</td><td class="num">${t.delta >= 0 ? "+" : "−"}${Math.abs(t.delta).toFixed(4)}</td><td class="num">${pValue(t.p_value)}</td><td class="num">${t.queries}</td>` +
      `<td class="${t.significant ? (t.delta < 0 ? "fail" : "pass") : ""}">${t.significant ? `significant (p &lt; ${t.significance_level})` : t.delta === 0 ? "no difference" : "not significant"}</td></tr>`,
  );
  const skipped = Object.entries(d.skipped)
    .map(([why, n]) => `${n} skipped (${escapeHtml(why)})`)
    .join(", ");
  return `<section class="card" id="compare-quality"><h2>Quality on ${escapeHtml(d.path)}</h2>
<p class="meta">${d.format === "beir" ? `BEIR folder: top ${d.candidates} BM25 candidates per query reranked` : "MTEB reranking file: the given candidates reranked"}; ${d.queries} queries${skipped ? `, ${skipped}` : ""}.</p>
<table><tr><th>target</th><th class="num">NDCG@10</th><th class="num">MAP</th><th class="num">MRR@10</th><th class="num">recall@10</th><th class="num">queries</th><th class="num">failed</th></tr>${rows.join("")}</table>
<h3 style="margin-top:14px">Against the baseline (per-query NDCG@10, paired randomization test, two-sided)</h3>
<table><tr><th>baseline</th><th>target</th><th class="num">Δ NDCG@10</th><th class="num">p</th><th class="num">queries</th><th>verdict</th></tr>${tests.join("")}</table>
<p class="meta">NDCG@10 with the grade as gain and a log2 discount (trec_eval ndcg_cut.10); MAP over the reranked list; MRR@10; ties broken by document id, descending, as trec_eval does.</p></section>`;
}

function costSection(report: CompareReport): string {
  if (!report.cost?.length) return "";
  const docs = [...new Set(report.cost.map((c) => c.docs))];
  const priced = [...new Set(report.cost.map((c) => c.target))];
  const rows = priced.map((label) => {
    const cells = docs.map((d) => {
      const c = report.cost!.find((r) => r.target === label && r.docs === d);
      if (!c) return '<td class="num">–</td>';
      const tip = c.note ? ` title="${escapeHtml(c.note)}"` : "";
      return `<td class="num"${tip}>${c.cost_per_1k_queries === null ? "n/a" : formatMoney(c.cost_per_1k_queries)}${c.note ? " *" : ""}</td>`;
    });
    const price = report.cost!.find((r) => r.target === label)!.price;
    return `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(price)}</td>${cells.join("")}</tr>`;
  });
  return `<section class="card" id="compare-cost"><h2>Cost per 1,000 queries</h2>
<table><tr><th>target</th><th>price</th>${docs.map((d) => `<th class="num">${d} docs</th>`).join("")}</tr>${rows.join("")}</table>
<p class="meta">Per request or search unit (Cohere: up to 100 documents): price × units per query. Per hour: price ÷ throughput at that documents count (load capacity where measured, else the load run's achieved rate; * = the run achieved the rate it offered, so the target may do more and the cost is an upper bound).</p></section>`;
}
