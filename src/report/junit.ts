import type { ConformanceReport } from "../checks/run.js";
import { formatFailure } from "../checks/format.js";
import { CHECK_AREAS } from "../checks/types.js";

/**
 * JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one <testsuite> per area,
 * one <testcase> per check id (classname `rerank.<dialect>.<area>`). Warnings pass, with the
 * warning in <system-out>; skips carry their reason; known faults are skipped with a message
 * starting "KNOWN:"; an unexpected pass (XPASS) passes with a note in <system-out>.
 */
export function renderJUnit(report: ConformanceReport): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const s = report.summary;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${attr(`rerank-harness check ${report.target}`)}" tests="${report.checks.length}" failures="${s.fail}" errors="0" skipped="${s.skip + s.known}" time="${seconds(report.duration_ms)}" timestamp="${attr(report.started_at.replace(/Z$/, ""))}">`,
  ];
  for (const area of CHECK_AREAS) {
    const cases = report.checks.filter((o) => o.area === area);
    if (cases.length === 0) continue;
    const failures = cases.filter((o) => o.status === "fail").length;
    const skipped = cases.filter((o) => o.status === "skip" || o.status === "known").length;
    const time = cases.reduce((t, o) => t + o.duration_ms, 0);
    lines.push(
      `  <testsuite name="${attr(area)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}" timestamp="${attr(report.started_at.replace(/Z$/, ""))}">`,
      `    <properties>`,
      `      <property name="target" value="${attr(report.target)}"/>`,
      `      <property name="baseUrl" value="${attr(report.base_url)}"/>`,
      `      <property name="dialect" value="${attr(report.dialect)}"/>`,
      ...(report.model ? [`      <property name="model" value="${attr(report.model)}"/>`] : []),
      `    </properties>`,
    );
    for (const o of cases) {
      const open = `    <testcase name="${attr(o.id)}" classname="${attr(`rerank.${report.dialect}.${o.area}`)}" time="${seconds(o.duration_ms)}"`;
      if (o.status === "pass") {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (o.status === "fail") {
        lines.push(`      <failure message="${attr(o.message ?? "failed")}" type="${o.level}">${text(formatFailure(o, { bodyChars: 1_000 }))}</failure>`);
      } else if (o.status === "skip") {
        lines.push(`      <skipped message="${attr(o.message ?? "skipped")}"/>`);
      } else if (o.status === "known") {
        lines.push(`      <skipped message="${attr(`KNOWN: ${o.message ?? "known fault"}`)}"/>`);
      } else if (o.status === "xpass") {
        lines.push(`      <system-out>${text(`XPASS: ${o.message ?? "listed as an expected failure, but passed"}`)}</system-out>`);
      } else {
        lines.push(`      <system-out>${text(`warning (${o.level}): ${formatFailure(o, { bodyChars: 1_000 })}`)}</system-out>`);
      }
      lines.push(`    </testcase>`);
    }
    lines.push(`  </testsuite>`);
  }
  lines.push(`</testsuites>`);
  return `${lines.join("\n")}\n`;
}

/** Characters XML 1.0 cannot carry at all (even escaped) are dropped. */
function clean(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- these control characters are what is removed
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
  );
}

/** XML text content, escaped (shared with the load JUnit report). */
export function xmlText(value: string): string {
  return text(value);
}

/** An XML attribute value, escaped. */
export function xmlAttr(value: string): string {
  return attr(value);
}

function text(value: string): string {
  return clean(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
