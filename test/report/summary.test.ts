import { marked } from "marked";
import { describe, expect, it } from "vitest";
import type { ConformanceReport } from "../../src/checks/run.js";
import type { CheckOutcome } from "../../src/checks/types.js";
import { registerSecret } from "../../src/client/secrets.js";
import type { LoadReport } from "../../src/load/report.js";
import { annotationLines, escapeData, escapeProperty, workflowCommand } from "../../src/report/annotations.js";
import { escapeHtml } from "../../src/report/html/escape.js";
import { codeBlock, mdCode, mdTable, mdText } from "../../src/report/markdown.js";
import { checkSummary } from "../../src/report/summary-check.js";
import { loadSummary } from "../../src/report/summary-load.js";
import { compareSummary } from "../../src/report/summary-compare.js";
import type { CompareReport } from "../../src/compare/report.js";
import { GITHUB_SUMMARY_LIMIT, layoutSummary } from "../../src/report/summary.js";

// The Markdown summary and the workflow annotations, in-process. A GFM renderer (marked) is
// the independent judge of the escaping: server text must come out as the same text, never as markup.

const HOSTILE = [
  `<img src=x onerror="alert(1)"> </details> <script>x()</script>`,
  "*bold* _em_ [link](javascript:alert(1)) ![i](http://x/y.png) `code` ~~del~~",
  "# heading\n- list\n1. one\n> quote\n| a | b |\n---",
  "https://example.com www.example.com @someone &amp; &lt; \\ back\\slash",
  "```\nfence\n```` </summary>",
];

const render = (md: string) => marked.parse(md, { async: false, gfm: true });
const flat = (s: string) => s.replace(/\s*\n\s*/g, " ");

describe("Markdown escaping", () => {
  it.each(HOSTILE)("mdText renders as exactly its text, no markup: %j", (text) => {
    expect(render(mdText(text))).toBe(`<p>${escapeHtml(flat(text))}</p>\n`);
  });

  it("a table cell holds any text, pipes included, and the table keeps its columns", () => {
    const html = render(
      mdTable(
        ["a", "b"],
        HOSTILE.map((t) => [mdText(t), mdCode(t)]),
      ),
    );
    expect(html.match(/<tr>/g)).toHaveLength(HOSTILE.length + 1);
    expect(html.match(/<td>/g)).toHaveLength(HOSTILE.length * 2);
    expect(html).not.toMatch(/<(img|script|a|em|strong|del|h1|li|blockquote)\b/);
    expect(html).toContain(`<td>${escapeHtml(flat(HOSTILE[0]!))}</td>`);
  });

  it("a code block no line can close: the text comes back whole", () => {
    const text = HOSTILE.join("\n");
    const tokens = marked.lexer(codeBlock(text));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ type: "code", text });
  });
});

function outcome(i: number, status: CheckOutcome["status"] = "fail"): CheckOutcome {
  return {
    id: `fuzz.case_${i}`,
    area: "fuzz",
    level: "MUST",
    statement: "the server answers generated requests",
    source: "vllm entrypoints/pooling/score/protocol.py (v0.11)",
    status,
    message: `case ${i}: 500 instead of 400`,
    evidence: [
      {
        request: {
          method: "POST",
          url: "http://127.0.0.1:9/rerank",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "q".repeat(200), documents: ["d".repeat(400)] }),
        },
        status: 500,
        content_type: "text/html",
        body_start: `<html>${"x".repeat(1_500)}</html>`,
      },
    ],
    duration_ms: 3,
  };
}

function checkReport(outcomes: CheckOutcome[]): ConformanceReport {
  const fail = outcomes.filter((o) => o.status === "fail").length;
  return {
    target: "http://127.0.0.1:9",
    base_url: "http://127.0.0.1:9",
    dialect: "vllm",
    started_at: "2026-01-01T00:00:00.000Z",
    duration_ms: 1234,
    checks: outcomes,
    summary: { pass: outcomes.length - fail, fail, warn: 0, skip: 0, known: 0, xpass: 0 },
    passed: fail === 0,
  };
}

describe("layoutSummary", () => {
  it("verdict first, then the failure with its evidence in a <details>, then the tables", () => {
    const md = layoutSummary(checkSummary(checkReport([outcome(1), { ...outcome(2), status: "pass", evidence: [] }])));
    const at = (s: string) => md.indexOf(s);
    expect(md.startsWith("## ❌ rerank-harness check: FAILED")).toBe(true);
    expect(at("<details>")).toBeGreaterThan(at("FAILED"));
    expect(at("<summary>❌ <code>fuzz.case_1</code>: case 1: 500 instead of 400</summary>")).toBeGreaterThan(0);
    expect(at("&lt;html&gt;")).toBe(-1); // evidence is in a code block, verbatim
    expect(at("<html>x")).toBeGreaterThan(at("<summary>"));
    expect(at("### Checks by area")).toBeGreaterThan(at("</details>"));
    expect(md).not.toMatch(/summary was cut/);
  });

  it("a 5,000-failure run stays under GitHub's 1 MiB and says what it cut", { timeout: 90_000 }, () => {
    const outcomes = Array.from({ length: 5_000 }, (_, i) => outcome(i));
    const md = layoutSummary(checkSummary(checkReport(outcomes)), { fullReportHint: "The JSON report (report.json)" });
    const size = Buffer.byteLength(md, "utf8");
    expect(size).toBeLessThan(GITHUB_SUMMARY_LIMIT);
    expect(size).toBeGreaterThan(GITHUB_SUMMARY_LIMIT / 2); // it used the room, not dropped everything
    const note =
      /This summary was cut to fit \d+ KiB \(GitHub refuses a step summary over 1 MiB\): it leaves out (.*)\. The JSON report \\\(report\\\.json\\\) has everything\./.exec(
        md,
      );
    expect(note, md.slice(0, 600)).not.toBeNull();
    expect(note![1]).toMatch(/the evidence of \d+ of 5000 failures/);
    // The first failures keep their evidence; every failure shown is still a complete <details>.
    expect(md.indexOf("fuzz.case_0")).toBeLessThan(md.indexOf("<html>x"));
    expect(md.match(/<details>/g)!.length).toBe(md.match(/<\/details>/g)!.length);
    // Every failure is still named: past the room for <details>, in one list item each.
    const html = render(md);
    expect(html).toContain("<li>❌ <code>fuzz.case_4999</code>: case 4999: 500 instead of 400</li>");
    expect(note![1]).toMatch(/the details of \d+ failures \(each listed in one line\)/);
  });

  it("a tiny budget still keeps the verdict and says how many failures it left out", () => {
    const md = layoutSummary(checkSummary(checkReport(Array.from({ length: 50 }, (_, i) => outcome(i)))), { maxBytes: 3_000 });
    expect(md.startsWith("## ❌ rerank-harness check: FAILED")).toBe(true);
    expect(md).toMatch(/leaves out .*failures entirely/);
    expect(md).toMatch(/_…and \d+ more not shown\._/);
  });
});

describe("loadSummary", () => {
  const scenario = (name: string, pass: boolean) => ({
    name,
    docs: 10,
    mode: "open",
    offered_rps: 50,
    concurrency: null,
    achieved_rps: pass ? 50 : 12.5,
    error_rate: pass ? 0 : 0.75,
    sent: 500,
    ok: pass ? 500 : 125,
    errors: pass ? 0 : 375,
    dropped: 0,
    status_counts: pass ? { "200": 500 } : { "200": 125, "503": 375 },
    sample_errors: pass ? {} : { http_5xx: "503 <b>overloaded</b>" },
    latency_ms: { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 6 },
    target: { p95_ms: 50, rps: 50, min_achieved_rps: 47.5, max_error_rate: 0.01 },
    pass,
    failures: pass ? [] : ["achieved 12.5 req/s < 47.5 req/s needed", "errors and drops 75.00% > 1.00% allowed (375 errors, 0 dropped)"],
  });
  // Only the fields the summary reads: the renderer takes the --json report's shape.
  const report = {
    schema_version: 2,
    target: "embedded",
    dialect: "vllm",
    started_at: "2026-01-01T00:00:00Z",
    passed: false,
    scenarios: [scenario("docs_10", true), scenario("docs_50", false)],
  } as unknown as LoadReport;

  it("the failed scenario with its reasons and first errors, then the scenario table", () => {
    const doc = loadSummary(report);
    expect(doc.failures.map((f) => f.title)).toEqual(["docs_50"]);
    const md = layoutSummary(doc);
    expect(md).toContain("<summary>❌ <code>docs_50</code>: achieved 12.5 req/s &lt; 47.5 req/s needed; errors and drops 75.00% &gt; 1.00% allowed");
    expect(md).toContain("503 <b>overloaded</b>"); // inside a code block
    const html = render(md);
    expect(html).not.toContain("<b>overloaded");
    expect(html).toMatch(/<td>docs_10<\/td>\s*<td>✅ PASS<\/td>/);
    expect(html).toMatch(/<td>docs_50<\/td>\s*<td>❌ FAIL<\/td>/);
  });
});

describe("compareSummary", () => {
  it("each target's start error and failed checks, titled with its label, then the side-by-side table", () => {
    const target = (label: string, conformance?: ConformanceReport, error?: string) => ({
      label,
      spec: label,
      dialect: "vllm",
      ...(conformance ? { conformance } : {}),
      ...(error ? { error } : {}),
    });
    const report: CompareReport = {
      started_at: "2026-01-01T00:00:00Z",
      duration_ms: 10,
      settings: { seed: 1, duration_ms: 1, skip_checks: false, skip_load: true, same_model: false, relevance_sets: 0 },
      targets: [
        target("self-hosted | vLLM", checkReport([{ ...outcome(1), status: "pass" }])),
        target("vendor", checkReport([outcome(2)])),
        target("broken", undefined, "ECONNREFUSED <b>"),
      ],
      agreement: [],
      passed: false,
    };
    const doc = compareSummary(report);
    expect(doc.failures.map((f) => f.title)).toEqual(["vendor: fuzz.case_2", "broken"]);
    const html = render(layoutSummary(doc));
    expect(html).toContain("<summary>❌ <code>vendor: fuzz.case_2</code>: case 2: 500 instead of 400</summary>");
    expect(html).toContain("could not start: ECONNREFUSED &lt;b&gt;");
    // The label with a pipe stays one header cell: three targets, three columns after the row names.
    expect(html).toMatch(/<th>self-hosted \| vLLM<\/th>\s*<th>vendor<\/th>\s*<th>broken<\/th>/);
  });
});

describe("workflow annotations", () => {
  it("escape as @actions/core does: data %, CR, LF; properties also : and ,", () => {
    expect(escapeData("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext: a,b");
    expect(escapeProperty("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext%3A a%2Cb");
    // %0A already in the text must not turn into a line break on the runner.
    expect(escapeData("%0A")).toBe("%250A");
    expect(workflowCommand("error", "line 1\nline 2", { title: "sort.descending: a,b" })).toBe("::error title=sort.descending%3A a%2Cb::line 1%0Aline 2");
  });

  it("one ::error per failed check, each one line, no key, capped at GitHub's 10 with a count of the rest", () => {
    const key = "sk-annotation-test-key-123";
    registerSecret(key);
    const outcomes = Array.from({ length: 14 }, (_, i) => ({ ...outcome(i), message: `got 401 for Bearer ${key}\nsecond line, with: colon` }));
    const lines = annotationLines(checkSummary(checkReport([...outcomes, { ...outcome(99), status: "warn" as const }])));
    const errors = lines.filter((l) => l.startsWith("::error "));
    expect(errors).toHaveLength(10);
    expect(errors[0]).toMatch(/^::error title=rerank-harness check%3A fuzz\.case_0::got 401 for Bearer \[REDACTED\]%0Asecond line, with: colon%0Alevel: MUST/);
    expect(errors[9]).toBe("::error title=rerank-harness check%3A 5 more::5 more failures: see the job summary or the reports");
    expect(lines.filter((l) => l.startsWith("::warning "))).toHaveLength(1);
    for (const l of lines) {
      expect(l).not.toContain(key);
      expect(l).not.toMatch(/[\r\n]/);
    }
  });
});
