import type { LoadReport } from "../load/report.js";
import { targetText } from "../load/verdict.js";
import { xmlAttr, xmlText } from "./junit.js";

/**
 * A load verdict as JUnit XML, for CI test reporters: one <testsuite> for the run, one
 * <testcase> per scenario (classname `rerank.load.<target>`), failing with its failure lines.
 * `load`, `merge` and `verdict` all write it from the same report object.
 */
export function renderLoadJUnit(report: LoadReport): string {
  const failed = report.scenarios.filter((s) => !s.pass).length;
  const time = report.scenarios.reduce((t, s) => t + s.duration_s, 0).toFixed(3);
  const stamp = xmlAttr(report.started_at.replace(/Z$/, ""));
  const suite = report.distributed ? `rerank-harness ${report.distributed.kind} ${report.target}` : `rerank-harness load ${report.target}`;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xmlAttr(suite)}" tests="${report.scenarios.length}" failures="${failed}" errors="0" skipped="0" time="${time}" timestamp="${stamp}">`,
    `  <testsuite name="load" tests="${report.scenarios.length}" failures="${failed}" errors="0" skipped="0" time="${time}" timestamp="${stamp}">`,
    `    <properties>`,
    `      <property name="target" value="${xmlAttr(report.target)}"/>`,
    `      <property name="dialect" value="${xmlAttr(report.dialect)}"/>`,
    ...(report.testid ? [`      <property name="testid" value="${xmlAttr(report.testid)}"/>`] : []),
    ...(report.distributed
      ? [
          `      <property name="runners" value="${report.distributed.runners}"/>`,
          `      <property name="percentile_error_pct" value="${report.distributed.percentile_error_pct}"/>`,
        ]
      : []),
    `    </properties>`,
  ];
  for (const s of report.scenarios) {
    const open = `    <testcase name="${xmlAttr(s.name)}" classname="${xmlAttr(`rerank.load.${report.target}`)}" time="${s.duration_s.toFixed(3)}"`;
    const summary = `p50 ${s.latency_ms.p50} ms, p95 ${s.latency_ms.p95} ms, p99 ${s.latency_ms.p99} ms; ${s.sent} sent, ${s.errors} errors, ${s.dropped} dropped; ${s.achieved_rps} req/s achieved; target: ${targetText(s.target) || "-"}`;
    if (s.pass) {
      lines.push(`${open}>`, `      <system-out>${xmlText(summary)}</system-out>`, `    </testcase>`);
      continue;
    }
    lines.push(
      `${open}>`,
      `      <failure message="${xmlAttr(s.failures[0] ?? "failed")}" type="threshold">${xmlText([...s.failures, summary].join("\n"))}</failure>`,
      `    </testcase>`,
    );
  }
  lines.push(`  </testsuite>`, `</testsuites>`);
  return `${lines.join("\n")}\n`;
}
