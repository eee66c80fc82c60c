import type { CapacityStep, LoadReport, ScenarioResult } from "../load/report.js";
import { describeChange, metricLabel } from "../load/baseline.js";
import { targetText } from "../load/verdict.js";
import { latencyBasis } from "./load-console.js";
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
  /** Trusted HTML sections placed first, before the load summary (compare's overall verdict). */
  leadSectionsHtml?: string[];
  /** What each run's verdict in the header is of, e.g. "load" when the page's verdict is elsewhere. */
  runVerdictLabel?: string;
}

/** What the page script draws from (kept small: no encoded histograms). */
interface ChartData {
  runs: Array<{ label: string }>;
  scenarios: Array<{
    name: string;
    target: { p95_ms: number | null; min_achieved_rps: number | null };
    results: Array<null | Pick<ScenarioResult, "distribution" | "series" | "offered_rps" | "duration_s">>;
    /** Per run, the --baseline report's distribution for this scenario (overlaid, dashed). */
    baselines: Array<null | ScenarioResult["distribution"]>;
  }>;
  /** --find-max: per scenario, each run's steps (the latency-versus-throughput chart). */
  capacity: Array<{
    scenario: string;
    target_p95_ms: number | null;
    runs: Array<null | { max_rps: number | null; steps: CapacityStep[] }>;
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
        baselines: runs.map(
          (r) => r.report.baseline?.scenarios.find((b) => b.name === name && b.baseline_distribution.length > 0)?.baseline_distribution ?? null,
        ),
      };
    }),
    capacity: capacityNames(runs).map((scenario) => {
      const entries = runs.map((r) => r.report.capacity?.find((c) => c.scenario === scenario) ?? null);
      return {
        scenario,
        target_p95_ms: entries.find((c) => c !== null)!.target_p95_ms,
        runs: entries.map((c) => (c ? { max_rps: c.max_rps, steps: c.steps } : null)),
      };
    }),
  };

  const body = [
    `<header><h1>${escapeHtml(title)}</h1>`,
    `<div class="meta">${runs.map((r) => runMeta(r, options.runVerdictLabel)).join("<br>")}</div></header>`,
    "<main>",
    ...(options.leadSectionsHtml ?? []),
    ...capacitySections(
      runs,
      data.capacity.map((c) => c.scenario),
    ),
    summarySection(runs, names),
    ...runs.flatMap((r) => (r.report.baseline ? [baselineSection(r)] : [])),
    ...names.map((name, i) => scenarioSection(runs, name, i)),
    ...(options.extraSectionsHtml ?? []),
    "</main>",
  ].join("\n");

  return renderPage({ title, bodyHtml: body, data, script: PAGE_SCRIPT });
}

function capacityNames(runs: LoadHtmlRun[]): string[] {
  const names: string[] = [];
  for (const r of runs) for (const c of r.report.capacity ?? []) if (!names.includes(c.scenario)) names.push(c.scenario);
  return names;
}

/** Find-max: per scenario the latency-versus-throughput chart (the knee) and every step. */
function capacitySections(runs: LoadHtmlRun[], names: string[]): string[] {
  return names.map((name, index) => {
    const tables = runs.map((r) => {
      const c = r.report.capacity?.find((x) => x.scenario === name);
      if (!c) return "";
      const head = `${runs.length > 1 ? `${escapeHtml(r.label)}: ` : ""}${
        c.max_rps === null ? "no rate passed" : `capacity <b>${n(c.max_rps)} req/s</b>`
      }${c.target_p95_ms !== null ? ` at p95 ≤ ${n(c.target_p95_ms)} ms` : ""} (stopped: ${escapeHtml(c.stopped_by.replace(/_/g, " "))})`;
      const rows = c.steps.map(
        (st, i) =>
          `<tr><td class="num">${i + 1}</td><td class="num">${n(st.offered_rps)}</td><td class="num">${n(st.achieved_rps)}</td><td class="num">${st.sent}</td>` +
          `<td class="num">${st.errors}</td><td class="num">${st.dropped}</td><td class="num">${n(st.p50_ms)}</td><td class="num">${n(st.p95_ms)}</td><td class="num">${n(st.p99_ms)}</td>` +
          `<td class="${st.pass ? "pass" : "fail"}" title="${escapeHtml(st.failures.join("; "))}">${st.pass ? "PASS" : "FAIL"}</td></tr>`,
      );
      return `<p>${head}</p><div class="scroll"><table><tr><th class="num">step</th><th class="num">offered req/s</th><th class="num">achieved req/s</th><th class="num">sent</th><th class="num">errors</th><th class="num">dropped</th><th class="num">p50 ms</th><th class="num">p95 ms</th><th class="num">p99 ms</th><th>result</th></tr>${rows.join("")}</table></div>`;
    });
    const info = runs.find((r) => r.report.find_max)?.report.find_max;
    const how = info
      ? `Each step: ${info.warmup_s} s warm-up, then ${info.step_requests} requests measured (at most ${info.max_step_s} s); ×${info.growth} per step until one fails, then bisection to within ${info.resolution_pct}%.`
      : "";
    return `<section class="card" id="capacity-${index}"><h2>Capacity: ${escapeHtml(name)}</h2>
<div class="charts"><div><h3>Latency versus throughput</h3><div class="chart"><canvas id="knee-${index}"></canvas></div></div></div>
${tables.join("")}<p class="meta">${escapeHtml(how)} Points are the steps in order of offered rate, at their achieved rate; the dashed line is the p95 target.</p></section>`;
  });
}

function baselineSection(r: LoadHtmlRun): string {
  const b = r.report.baseline!;
  const rows: string[] = [];
  for (const s of b.scenarios) {
    if (s.verdict === "missing") {
      rows.push(`<tr><td>${escapeHtml(s.name)}</td><td colspan="5">${escapeHtml(s.note ?? "not in the baseline")}</td></tr>`);
      continue;
    }
    for (const m of s.metrics) {
      const cls = m.verdict === "regressed" ? "fail" : m.verdict === "improved" ? "pass" : "";
      const ci = (v: number, [lo, hi]: [number, number]) => `${n(v, 2)} <span class="meta">[${n(lo, 2)}–${n(hi, 2)}]</span>`;
      rows.push(
        m.verdict === "not_compared"
          ? `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(metricLabel(m.metric))}</td><td colspan="4">not compared: ${escapeHtml(m.note ?? "")}</td></tr>`
          : `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(metricLabel(m.metric))}</td><td class="num">${ci(m.baseline, m.baseline_ci)}</td><td class="num">${ci(m.current, m.current_ci)}</td>` +
              `<td class="num">${m.change_pct === null ? "–" : `${m.change_pct > 0 ? "+" : ""}${m.change_pct.toFixed(1)}%`}</td><td class="${cls}" title="${escapeHtml(describeChange(m))}">${escapeHtml(m.verdict)}</td></tr>`,
      );
    }
  }
  const who = escapeHtml(r.label);
  return `<section class="card" id="baseline"><h2>Against the baseline${r.report.baseline && r.label !== r.report.target ? ` (${who})` : ""}</h2>
<p class="meta">${escapeHtml(b.file)}: ${escapeHtml(b.baseline_target)}, started ${escapeHtml(b.baseline_started_at)}. A change counts when it is beyond ${b.max_regression_pct}% and the two runs' 95% intervals (in brackets, from the recorded histograms) do not overlap.</p>
<div class="scroll"><table><tr><th>scenario</th><th>metric</th><th class="num">baseline</th><th class="num">now</th><th class="num">change</th><th>verdict</th></tr>${rows.join("")}</table></div>
<p class="${b.regressed ? "fail" : "pass"}">${b.regressed ? "regressed" : "no regression"}</p></section>`;
}

function scenarioNames(runs: LoadHtmlRun[]): string[] {
  const names: string[] = [];
  for (const r of runs) for (const s of r.report.scenarios) if (!names.includes(s.name)) names.push(s.name);
  return names;
}

function runMeta(r: LoadHtmlRun, verdictLabel?: string): string {
  const rep = r.report;
  const word = `${verdictLabel ? `${escapeHtml(verdictLabel)} ` : ""}${rep.passed ? "PASS" : "FAIL"}`;
  const verdict = `<span class="${rep.passed ? "pass" : "fail"}">${word}</span>`;
  const who = r.label === rep.target ? escapeHtml(rep.target) : `${escapeHtml(r.label)}: ${escapeHtml(rep.target)}`;
  return `${who} (${escapeHtml(rep.dialect)}), started ${escapeHtml(rep.started_at)}${
    rep.targets_source ? `, targets from ${escapeHtml(rep.targets_source)}` : ""
  }${rep.testid ? `, testid ${escapeHtml(rep.testid)}` : ""}${
    rep.distributed
      ? `, one verdict over ${rep.distributed.runners} runner${rep.distributed.runners === 1 ? "" : "s"} (${escapeHtml(rep.distributed.kind)}; percentiles within ${rep.distributed.percentile_error_pct}% of exact)`
      : ""
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
      const target = targetText(s.target);
      rows.push(
        `<tr>${multi ? `<td class="wrap">${escapeHtml(r.label)}</td>` : ""}<td>${escapeHtml(s.name)}</td><td class="wrap">${escapeHtml(load)}</td>` +
          `<td class="num">${n(s.achieved_rps)}</td><td class="num">${s.sent}</td><td class="num">${s.ok}</td><td class="num">${s.errors}</td><td class="num">${s.dropped}</td>` +
          `<td class="num">${n(s.latency_ms.p50)}</td><td class="num">${n(s.latency_ms.p95)}</td><td class="num">${n(s.latency_ms.p99)}</td><td class="num">${n(s.latency_ms.max)}</td>` +
          `<td class="wrap">${escapeHtml(target || "–")
            .replace(/([≤≥]) /g, "$1&nbsp;")
            .replace(/ (ms|req\/s)/g, "&nbsp;$1")}</td><td class="${s.pass ? "pass" : "fail"}">${s.pass ? "PASS" : "FAIL"}</td></tr>`,
      );
    }
  }
  // Headers and the text columns wrap, so the result column stays in view on a laptop-wide window.
  const basis = latencyBasis(runs.flatMap((r) => r.report.scenarios));
  return `<section class="card"><h2>Summary</h2><div class="scroll"><table class="summary">${head}${rows.join("")}</table></div>
<style>table.summary th, table.summary td.wrap { white-space: normal; } table.summary td.wrap { min-width: 7em; } table.summary th { vertical-align: bottom; }</style>
<p class="meta">${escapeHtml(basis.charAt(0).toUpperCase() + basis.slice(1))}, successful requests only, recorded in HdrHistogram. A scenario passes when p95 ≤ its target, the achieved rate ≥ the minimum, and errors plus dropped sends stay within the allowed share.</p></section>`;
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
    for (const p of s.mix ?? []) {
      notes.push(
        `${who}${p.docs} documents: ${(p.share * 100).toFixed(1)}% of requests (asked ${(p.weight * 100).toFixed(1)}%), p50 ${n(p.latency_ms.p50)} / p95 ${n(p.latency_ms.p95)} / p99 ${n(p.latency_ms.p99)} ms${p.target_p95_ms !== null ? ` against p95 ≤ ${n(p.target_p95_ms)} ms: ${p.pass ? "PASS" : "FAIL"}` : ""}`,
      );
    }
    notes.push(
      `${who}service time (from actual send) p50 ${n(s.service_time_ms.p50)} / p99 ${n(s.service_time_ms.p99)} ms; generator lag p99 ${n(s.generator_lag_ms.p99, 2)} ms`,
    );
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
  // Per run, a second colour for its other line (p99, sent/s): a dash alone leaves the legend boxes identical.
  var secondary = ["#9ab8ee", "#f2bd73", "#8fd1ab", "#d39be3", "#ef9a9a", "#7fcbd3"];
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
  function chart(id, datasets, xTitle, yTitle, xOptions, yOptions) {
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
          y: Object.assign({ type: "linear", beginAtZero: true, title: { display: true, text: yTitle } }, yOptions || {})
        }
      }
    });
  }
  function runLabel(i) { return data.runs.length > 1 ? data.runs[i].label + " " : ""; }

  data.scenarios.forEach(function (sc, index) {
    var dist = [], lat = [], tput = [];
    // The latency-over-time axis spans the seconds that have data, no further.
    var tMin = Infinity, tMax = -Infinity, dMax = 1;
    sc.results.forEach(function (r, i) {
      if (!r) return;
      var colour = palette[i % palette.length];
      var colour2 = secondary[i % secondary.length];
      dist.push({ label: runLabel(i) + "latency", data: r.distribution.map(function (p) { return { x: nines(p.percentile), y: p.latency_ms }; }), borderColor: colour, backgroundColor: colour, pointRadius: 2, borderWidth: 2 });
      var pts = r.series;
      if (pts.length) { tMin = Math.min(tMin, pts[0].t); tMax = Math.max(tMax, pts[pts.length - 1].t); }
      dMax = Math.max(dMax, r.duration_s);
      lat.push({ label: runLabel(i) + "p50", data: pts.map(function (p) { return { x: p.t, y: p.p50_ms }; }), borderColor: colour, backgroundColor: colour, pointRadius: 1.5, borderWidth: 2 });
      lat.push({ label: runLabel(i) + "p99", data: pts.map(function (p) { return { x: p.t, y: p.p99_ms }; }), borderColor: colour2, backgroundColor: colour2, borderDash: [2, 2], pointRadius: 1.5, borderWidth: 1.5 });
      // Throughput inside the measured window only, as a rate: the last second may be partial.
      var inWindow = pts.filter(function (p) { return p.t >= 0 && p.t < r.duration_s; });
      function perSecond(count, p) { return count / Math.min(1, r.duration_s - p.t); }
      tput.push({ label: runLabel(i) + "ok/s", data: inWindow.map(function (p) { return { x: p.t, y: perSecond(p.ok, p) }; }), borderColor: colour, backgroundColor: colour, pointRadius: 1.5, borderWidth: 2 });
      tput.push({ label: runLabel(i) + "sent/s", data: inWindow.map(function (p) { return { x: p.t, y: perSecond(p.sent, p) }; }), borderColor: colour2, backgroundColor: colour2, borderDash: [2, 2], pointRadius: 0, borderWidth: 1 });
      var bad = inWindow.some(function (p) { return p.errors > 0 || p.dropped > 0; });
      if (bad) tput.push({ label: runLabel(i) + "errors+dropped/s", data: inWindow.map(function (p) { return { x: p.t, y: perSecond(p.errors + p.dropped, p) }; }), borderColor: "#c62828", backgroundColor: "#c62828", pointRadius: 1.5, borderWidth: 1.5 });
    });
    sc.baselines.forEach(function (b, i) {
      if (!b) return;
      dist.push({ label: runLabel(i) + "baseline", data: b.map(function (p) { return { x: nines(p.percentile), y: p.latency_ms }; }), borderColor: "#888888", backgroundColor: "#888888", borderDash: [5, 3], pointRadius: 1.5, borderWidth: 2 });
    });
    if (tMin > tMax) { tMin = 0; tMax = 1; }
    if (tMin === tMax) tMax = tMin + 1;
    if (sc.target.p95_ms !== null) {
      dist.push(targetLine("target p95 " + sc.target.p95_ms + " ms", sc.target.p95_ms, 0, MAX_NINES));
      dist.push({ label: "target point (p95)", data: [{ x: nines(95), y: sc.target.p95_ms }], borderColor: targetColour, backgroundColor: targetColour, pointRadius: 5, pointStyle: "crossRot", showLine: false });
      lat.push(targetLine("target p95 " + sc.target.p95_ms + " ms", sc.target.p95_ms, tMin, tMax));
    }
    if (sc.target.min_achieved_rps !== null) tput.push(targetLine("target ≥ " + sc.target.min_achieved_rps + " req/s", sc.target.min_achieved_rps, 0, dMax));
    chart("dist-" + index, dist, "percentile", "latency (ms)", { min: 0, max: MAX_NINES, ticks: { stepSize: 1, callback: function (v) { return ninesLabel(v); } } });
    chart("lat-" + index, lat, "seconds into the measured window", "latency (ms)", { min: tMin, max: tMax });
    chart("tput-" + index, tput, "seconds into the measured window", "requests per second", { min: 0, max: dMax });
  });
  data.capacity.forEach(function (cap, index) {
    // Past the knee latency grows by orders of magnitude: a log axis keeps the knee readable.
    var sets = [], xMax = 1, yMin = Infinity, yMax = 0;
    cap.runs.forEach(function (r, i) {
      if (!r) return;
      var colour = palette[i % palette.length];
      var steps = r.steps.slice().sort(function (a, b) { return a.offered_rps - b.offered_rps; });
      steps.forEach(function (st) {
        xMax = Math.max(xMax, st.achieved_rps, st.offered_rps);
        if (st.p50_ms > 0) yMin = Math.min(yMin, st.p50_ms);
        yMax = Math.max(yMax, st.p99_ms);
      });
      ["p50_ms", "p95_ms", "p99_ms"].forEach(function (k, j) {
        sets.push({ label: runLabel(i) + k.replace("_ms", ""), data: steps.map(function (st) { return { x: st.achieved_rps, y: st[k] }; }), borderColor: colour, backgroundColor: colour, borderDash: j === 1 ? [] : [2, 2], borderWidth: j === 1 ? 2.5 : 1, pointRadius: j === 1 ? 3 : 1.5 });
      });
      if (r.max_rps !== null && yMax > 0) sets.push({ label: runLabel(i) + "capacity " + r.max_rps + " req/s", data: [{ x: r.max_rps, y: Math.min(yMin, yMax) }, { x: r.max_rps, y: yMax }], borderColor: colour, borderWidth: 1, borderDash: [1, 3], pointRadius: 0 });
    });
    if (cap.target_p95_ms !== null) sets.push(targetLine("target p95 " + cap.target_p95_ms + " ms", cap.target_p95_ms, 0, xMax));
    chart("knee-" + index, sets, "achieved requests per second", "latency (ms), log scale", { min: 0 }, { type: "logarithmic", beginAtZero: false });
  });
  document.body.setAttribute("data-charts-ready", "true");
})();
`;
