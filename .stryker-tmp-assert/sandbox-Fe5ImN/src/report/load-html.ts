// @ts-nocheck
import type { LoadReport, ScenarioResult } from "../load/report.js";
import { escapeHtml } from "./html/escape.js";
import { renderPage } from "./html/page.js";

// The load report as one self-contained HTML page. Several runs (compare) share each chart:
// one colour per run, the targets drawn as dashed lines.

export interface LoadHtmlRun {
  label: string;
  report: LoadReport;
}

export interface LoadHtmlOptions {
  title?: string;
  /** Trusted HTML sections appended after the load sections (the caller escapes its own content). */
  extraSectionsHtml?: string[];
}

/** What the page script draws from (kept small: no encoded histograms). */
interface ChartData {
  runs: Array<{ label: string }>;
  scenarios: Array<{
    name: string;
    target: { p95_ms: number | null; min_achieved_rps: number | null };
    results: Array<null | Pick<ScenarioResult, "distribution" | "series" | "offered_rps" | "duration_s">>;
  }>;
}

export function renderLoadHtml(runs: LoadHtmlRun[], options: LoadHtmlOptions = {}): string {
  const title = options.title ?? (runs.length === 1 ? `Load report: ${runs[0]!.label}` : `Load comparison: ${runs.map((r) => r.label).join(" vs ")}`);
  const names = scenarioNames(runs);
  const data: ChartData = {
    runs: runs.map((r) => ({ label: r.label })),
    scenarios: names.map((name) => {
      const results = runs.map((r) => r.report.scenarios.find((s) => s.name === name) ?? null);
      const first = results.find((s) => s !== null)!;
      return {
        name,
        target: { p95_ms: first.target.p95_ms, min_achieved_rps: first.target.min_achieved_rps },
        results: results.map((s) => (s ? { distribution: s.distribution, series: s.series, offered_rps: s.offered_rps, duration_s: s.duration_s } : null)),
      };
    }),
  };

  const body = [
    `<header><h1>${escapeHtml(title)}</h1>`,
    `<div class="meta">${runs.map((r) => runMeta(r)).join("<br>")}</div></header>`,
    "<main>",
    summarySection(runs, names),
    ...names.map((name, i) => scenarioSection(runs, name, i)),
    ...(options.extraSectionsHtml ?? []),
    "</main>",
  ].join("\n");

  return renderPage({ title, bodyHtml: body, data, script: PAGE_SCRIPT });
}

function scenarioNames(runs: LoadHtmlRun[]): string[] {
  const names: string[] = [];
  for (const r of runs) for (const s of r.report.scenarios) if (!names.includes(s.name)) names.push(s.name);
  return names;
}

function runMeta(r: LoadHtmlRun): string {
  const rep = r.report;
  const verdict = rep.passed ? `<span class="pass">PASS</span>` : `<span class="fail">FAIL</span>`;
  const who = r.label === rep.target ? escapeHtml(rep.target) : `${escapeHtml(r.label)}: ${escapeHtml(rep.target)}`;
  return `${who} (${escapeHtml(rep.dialect)}), started ${escapeHtml(rep.started_at)}${
    rep.targets_source ? `, targets from ${escapeHtml(rep.targets_source)}` : ""
  } — ${verdict}`;
}

const n = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? "–" : x.toFixed(digits));

function summarySection(runs: LoadHtmlRun[], names: string[]): string {
  const multi = runs.length > 1;
  const head = `<tr>${multi ? "<th>run</th>" : ""}<th>scenario</th><th>load</th><th class="num">achieved req/s</th><th class="num">sent</th><th class="num">ok</th><th class="num">errors</th><th class="num">dropped</th><th class="num">p50 ms</th><th class="num">p95 ms</th><th class="num">p99 ms</th><th class="num">max ms</th><th>target</th><th>result</th></tr>`;
  const rows: string[] = [];
  for (const name of names) {
    for (const r of runs) {
      const s = r.report.scenarios.find((x) => x.name === name);
      if (!s) continue;
      const load = s.mode === "open" ? `${n(s.offered_rps)} req/s (open)` : `${s.concurrency} users (closed)`;
      const target = [s.target.p95_ms !== null ? `p95 ≤ ${n(s.target.p95_ms)} ms` : "", s.target.min_achieved_rps !== null ? `≥ ${n(s.target.min_achieved_rps)} req/s` : ""]
        .filter(Boolean)
        .join(", ");
      rows.push(
        `<tr>${multi ? `<td>${escapeHtml(r.label)}</td>` : ""}<td>${escapeHtml(s.name)}</td><td>${escapeHtml(load)}</td>` +
          `<td class="num">${n(s.achieved_rps)}</td><td class="num">${s.sent}</td><td class="num">${s.ok}</td><td class="num">${s.errors}</td><td class="num">${s.dropped}</td>` +
          `<td class="num">${n(s.latency_ms.p50)}</td><td class="num">${n(s.latency_ms.p95)}</td><td class="num">${n(s.latency_ms.p99)}</td><td class="num">${n(s.latency_ms.max)}</td>` +
          `<td>${escapeHtml(target || "–")}</td><td class="${s.pass ? "pass" : "fail"}">${s.pass ? "PASS" : "FAIL"}</td></tr>`,
      );
    }
  }
  return `<section class="card"><h2>Summary</h2><div class="scroll"><table>${head}${rows.join("")}</table></div>
<p class="meta">Latency is measured from each request's intended send time (open loop: no coordinated omission), successful requests only, recorded in HdrHistogram. A scenario passes when p95 ≤ its target, the achieved rate ≥ the minimum, and errors plus dropped sends stay within the allowed share.</p></section>`;
}

function scenarioSection(runs: LoadHtmlRun[], name: string, index: number): string {
  const notes: string[] = [];
  for (const r of runs) {
    const s = r.report.scenarios.find((x) => x.name === name);
    if (!s) continue;
    const who = runs.length > 1 ? `${r.label}: ` : "";
    for (const f of s.failures) notes.push(`${who}${f}`);
    const errs = Object.entries(s.errors_by_class).filter(([, v]) => v > 0);
    if (errs.length > 0) notes.push(`${who}errors: ${errs.map(([k, v]) => `${k} ${v}`).join(", ")}`);
    notes.push(`${who}service time (from actual send) p50 ${n(s.service_time_ms.p50)} / p99 ${n(s.service_time_ms.p99)} ms; generator lag p99 ${n(s.generator_lag_ms.p99, 2)} ms`);
    for (const [header, t] of Object.entries(s.server_timing_ms)) notes.push(`${who}server ${header}: p50 ${n(t.p50)} / p99 ${n(t.p99)} ms`);
  }
  return `<section class="card" id="scenario-${index}"><h2>${escapeHtml(name)}</h2>
<div class="charts">
<div><h3>Latency by percentile</h3><div class="chart"><canvas id="dist-${index}"></canvas></div></div>
<div><h3>Latency over time (p50, p99)</h3><div class="chart"><canvas id="lat-${index}"></canvas></div></div>
<div><h3>Throughput over time</h3><div class="chart"><canvas id="tput-${index}"></canvas></div></div>
</div>
<ul class="notes">${notes.map((x) => `<li>${escapeHtml(x)}</li>`).join("")}</ul>
</section>`;
}

/** Runs in the page. Plain ES2017, no imports: Chart is the inlined UMD global. */
const PAGE_SCRIPT = String.raw`
(function () {
  "use strict";
  var data = window.REPORT_DATA;
  var palette = ["#2f6fdb", "#e07b00", "#2a9d5b", "#a23cc4", "#c62828", "#00838f"];
  var targetColour = "#c62828";
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;
  // x for a percentile: 0 at p0, 1 at p90, 2 at p99, 3 at p99.9 … (HdrHistogram's usual axis).
  var MAX_NINES = 5;
  function nines(p) { return p >= 100 ? MAX_NINES : Math.min(MAX_NINES, -Math.log10(1 - p / 100)); }
  function ninesLabel(v) {
    var p = 100 * (1 - Math.pow(10, -v));
    return (Math.round(p * 1000) / 1000) + "%";
  }
  function flat(y, x0, x1) { return [{ x: x0, y: y }, { x: x1, y: y }]; }
  function targetLine(label, y, x0, x1) {
    return { label: label, data: flat(y, x0, x1), borderColor: targetColour, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, fill: false };
  }
  function chart(id, datasets, xTitle, yTitle, xOptions) {
    var el = document.getElementById(id);
    if (!el) return;
    new Chart(el, {
      type: "line",
      data: { datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: "nearest", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: {
          x: Object.assign({ type: "linear", title: { display: true, text: xTitle } }, xOptions || {}),
          y: { type: "linear", beginAtZero: true, title: { display: true, text: yTitle } }
        }
      }
    });
  }
  function runLabel(i) { return data.runs.length > 1 ? data.runs[i].label + " " : ""; }

  data.scenarios.forEach(function (sc, index) {
    var dist = [], lat = [], tput = [];
    var tMax = 1, dMax = 1;
    sc.results.forEach(function (r, i) {
      if (!r) return;
      var colour = palette[i % palette.length];
      dist.push({ label: runLabel(i) + "latency", data: r.distribution.map(function (p) { return { x: nines(p.percentile), y: p.latency_ms }; }), borderColor: colour, backgroundColor: colour, pointRadius: 2, borderWidth: 2 });
      var pts = r.series;
      if (pts.length) tMax = Math.max(tMax, pts[pts.length - 1].t + 1);
      dMax = Math.max(dMax, r.duration_s);
      lat.push({ label: runLabel(i) + "p50", data: pts.map(function (p) { return { x: p.t, y: p.p50_ms }; }), borderColor: colour, backgroundColor: colour, pointRadius: 1.5, borderWidth: 2 });
      lat.push({ label: runLabel(i) + "p99", data: pts.map(function (p) { return { x: p.t, y: p.p99_ms }; }), borderColor: colour, backgroundColor: colour, borderDash: [2, 2], pointRadius: 1.5, borderWidth: 1.5 });
      // Throughput inside the measured window only, as a rate: the last second may be partial.
      var inWindow = pts.filter(function (p) { return p.t >= 0 && p.t < r.duration_s; });
      function perSecond(count, p) { return count / Math.min(1, r.duration_s - p.t); }
      tput.push({ label: runLabel(i) + "ok/s", data: inWindow.map(function (p) { return { x: p.t, y: perSecond(p.ok, p) }; }), borderColor: colour, backgroundColor: colour, pointRadius: 1.5, borderWidth: 2 });
      tput.push({ label: runLabel(i) + "sent/s", data: inWindow.map(function (p) { return { x: p.t, y: perSecond(p.sent, p) }; }), borderColor: colour, backgroundColor: colour, borderDash: [2, 2], pointRadius: 0, borderWidth: 1 });
      var bad = inWindow.some(function (p) { return p.errors > 0 || p.dropped > 0; });
      if (bad) tput.push({ label: runLabel(i) + "errors+dropped/s", data: inWindow.map(function (p) { return { x: p.t, y: perSecond(p.errors + p.dropped, p) }; }), borderColor: "#c62828", backgroundColor: "#c62828", pointRadius: 1.5, borderWidth: 1.5 });
    });
    if (sc.target.p95_ms !== null) {
      dist.push(targetLine("target p95 " + sc.target.p95_ms + " ms", sc.target.p95_ms, 0, MAX_NINES));
      dist.push({ label: "target point (p95)", data: [{ x: nines(95), y: sc.target.p95_ms }], borderColor: targetColour, backgroundColor: targetColour, pointRadius: 5, pointStyle: "crossRot", showLine: false });
      lat.push(targetLine("target p95 " + sc.target.p95_ms + " ms", sc.target.p95_ms, 0, tMax));
    }
    if (sc.target.min_achieved_rps !== null) tput.push(targetLine("target ≥ " + sc.target.min_achieved_rps + " req/s", sc.target.min_achieved_rps, 0, dMax));
    chart("dist-" + index, dist, "percentile", "latency (ms)", { min: 0, max: MAX_NINES, ticks: { stepSize: 1, callback: function (v) { return ninesLabel(v); } } });
    chart("lat-" + index, lat, "seconds into the measured window", "latency (ms)");
    chart("tput-" + index, tput, "seconds into the measured window", "requests per second", { min: 0, max: dMax });
  });
  document.body.setAttribute("data-charts-ready", "true");
})();
`;
