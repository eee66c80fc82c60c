import type { CompareReport, CompareTargetResult } from "../compare/report.js";

// compare's console lines for --dataset and --price: rows for the side-by-side table, and the
// sentences under it (the significance verdict in words, the data set, cost notes).

const dash = "–";
const fixed = (x: number | null | undefined, digits: number): string => (x === null || x === undefined ? dash : x.toFixed(digits));
const signed = (x: number, digits: number): string => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(digits)}`;

/** Table rows [what, target 1, target 2, …] (none without --dataset or --price). */
export function qualityRows(report: CompareReport): string[][] {
  const t = report.targets;
  const rows: string[][] = [];
  const row = (name: string, cell: (x: CompareTargetResult, i: number) => string) => rows.push([name, ...t.map(cell)]);
  if (report.settings.dataset) {
    row("NDCG@10", (x) => fixed(x.quality?.ndcg_at_10, 4));
    row("MAP", (x) => fixed(x.quality?.map, 4));
    row("MRR@10", (x) => fixed(x.quality?.mrr_at_10, 4));
    row("recall@10", (x) => fixed(x.quality?.recall_at_10, 4));
    row("queries scored", (x) => (x.quality ? `${x.quality.queries}${x.quality.failed_queries ? ` (${x.quality.failed_queries} failed)` : ""}` : dash));
    row("NDCG@10 Δ vs baseline (p)", (x, i) => {
      if (i === 0) return "(baseline)";
      const q = report.quality_tests?.find((r) => r.b === x.label);
      return q ? `${signed(q.delta, 4)} (p=${q.p_value < 0.0001 ? q.p_value.toExponential(1) : q.p_value.toFixed(4)})` : dash;
    });
  }
  const docs = [...new Set((report.cost ?? []).map((c) => c.docs))];
  for (const d of docs) {
    row(`cost per 1k queries, ${d} docs`, (x) => {
      const c = report.cost?.find((r) => r.target === x.label && r.docs === d);
      if (!c) return dash;
      return c.cost_per_1k_queries === null ? "n/a" : `${formatMoney(c.cost_per_1k_queries)}${c.note ? " *" : ""}`;
    });
  }
  return rows;
}

/** Lines under the table: the data set, each paired test in words, how costs were worked out. */
export function qualityNotes(report: CompareReport): string[] {
  const lines: string[] = [];
  const d = report.settings.dataset;
  if (d) {
    const skipped = Object.entries(d.skipped).map(([why, n]) => `${n} skipped: ${why}`);
    const first = d.format === "beir" ? `, top ${d.candidates} BM25 candidates per query` : "";
    lines.push(
      "",
      `dataset: ${d.path} (${d.format === "beir" ? "BEIR" : "MTEB reranking"}, ${d.queries} queries${first}${skipped.length ? `; ${skipped.join(", ")}` : ""})`,
    );
    for (const q of report.quality_tests ?? []) {
      const a = report.targets.find((t) => t.label === q.a)?.quality?.ndcg_at_10;
      const b = report.targets.find((t) => t.label === q.b)?.quality?.ndcg_at_10;
      const verdict = q.significant
        ? `${q.delta > 0 ? "better" : "worse"} than ${q.a}, a significant difference`
        : q.delta === 0
          ? `no different from ${q.a} (identical per-query NDCG@10)`
          : `not significantly different from ${q.a}`;
      const p = q.p_value < 0.0001 ? q.p_value.toExponential(1) : q.p_value.toFixed(4);
      lines.push(
        `  ${q.b}: NDCG@10 ${fixed(b, 4)} vs ${fixed(a, 4)} (Δ ${signed(q.delta, 4)}): ${verdict} ` +
          `(p = ${p} ${q.significant ? "<" : "≥"} ${q.significance_level}; paired randomization test over ${q.queries} queries, ${q.permutations} permutations)`,
      );
    }
    for (const t of report.targets)
      if (t.quality?.failures.length) lines.push(`  ${t.label}: ${t.quality.failed_queries} queries not scored: ${t.quality.failures.slice(0, 3).join("; ")}`);
  }
  if (report.cost) {
    lines.push("", `cost per 1,000 queries (prices: ${report.settings.prices?.join(", ") ?? dash}):`);
    for (const c of report.cost) {
      const how =
        c.unit === "hour"
          ? c.throughput_rps !== null
            ? `${c.throughput_source === "capacity" ? "capacity" : "achieved"} ${c.throughput_rps.toFixed(1)} req/s`
            : dash
          : `${c.units_per_query} ${c.unit === "search" ? "search unit" : "request"}${c.units_per_query === 1 ? "" : "s"} per query`;
      lines.push(
        `  ${c.target} @ ${c.docs} docs: ${c.cost_per_1k_queries === null ? "n/a" : formatMoney(c.cost_per_1k_queries)} (${c.price}; ${how})${c.note ? ` * ${c.note}` : ""}`,
      );
    }
    for (const label of report.unmatched_prices ?? [])
      lines.push(`  --price ${label}: no target has this label (labels: ${report.targets.map((t) => t.label).join(", ")})`);
  }
  return lines;
}

/** Enough digits to tell small per-query costs apart. */
export function formatMoney(x: number): string {
  if (x === 0) return "0";
  if (x >= 100) return x.toFixed(0);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}
