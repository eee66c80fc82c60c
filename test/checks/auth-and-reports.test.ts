import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ConformanceSession, type ConformanceReport } from "../../src/checks/run.js";
import { checkJson, CheckReportJson } from "../../src/report/check-json.js";
import { renderCheckConsole } from "../../src/report/check-console.js";
import { renderJUnit } from "../../src/report/junit.js";
import { errorSummary } from "../../src/checks/context.js";
import { getDialect } from "../../src/contract/registry.js";
import type { HttpExchange } from "../../src/client/http-client.js";
import { assertWellFormedXml, HAS_PYTHON3 } from "../helpers/tools.js";
import { asTarget } from "../servers/target.js";
import { startVllmLikeServer } from "../servers/vllm-like.js";

// The key must be in the environment before the session's worker starts: suites read it there.
const KEY_ENV = "RH_AUTH_TEST_KEY";
const KEY = "sk-conformance-secret-5678";
process.env[KEY_ENV] = KEY;
const session = new ConformanceSession();
const dir = mkdtempSync(join(tmpdir(), "rh-reports-"));
afterAll(async () => {
  await session.close();
  rmSync(dir, { recursive: true, force: true });
});

async function check(server: Awaited<ReturnType<typeof startVllmLikeServer>>, only: string[]): Promise<ConformanceReport> {
  try {
    return await session.run({ ...asTarget(server, "auth", KEY_ENV), apiKey: KEY }, { timeoutMs: 5_000, only });
  } finally {
    await server.close();
  }
}

describe("auth.required", () => {
  test("passes when the server enforces the key (vLLM guards /v1 and /v2 paths)", async () => {
    const report = await check(await startVllmLikeServer({ apiKey: KEY }), ["auth.", "schema.response"]);
    expect(report.checks.map((o) => [o.id, o.status])).toEqual([
      ["schema.response", "pass"],
      ["auth.required", "pass"],
    ]);
  });

  test("fails when a configured key is not enforced, and no report carries the key", async () => {
    const report = await check(await startVllmLikeServer(), ["auth."]);
    const auth = report.checks[0]!;
    expect(auth).toMatchObject({ id: "auth.required", status: "fail" });
    expect(auth.message).toMatch(/no Authorization header: expected 401, got 200; a wrong bearer key: expected 401, got 200/);
    expect(auth.evidence?.[1]?.request.headers["authorization"]).toBe("Bearer [REDACTED]");
    for (const text of [JSON.stringify(checkJson(report)), renderJUnit(report), renderCheckConsole(report)]) expect(text).not.toContain(KEY);
  });
});

describe("reports", () => {
  const hostile = 'bad <xml> & "quotes" ]]> \u0001\u0007 lone \ud800 surrogate\n second line';
  const report: ConformanceReport = {
    target: "t & <x>",
    base_url: "http://127.0.0.1:1",
    dialect: "vllm",
    model: "m",
    started_at: "2026-01-01T00:00:00.000Z",
    duration_ms: 1234,
    checks: [
      { id: "schema.response", area: "schema", level: "MUST", statement: "s", source: "src", status: "pass", duration_ms: 5 },
      {
        id: "sort.descending",
        area: "sort",
        level: "MUST",
        statement: "sorted",
        source: hostile,
        status: "fail",
        message: hostile,
        evidence: [
          {
            label: hostile,
            request: { method: "POST", url: "http://127.0.0.1:1/rerank", headers: {}, body: hostile },
            status: 200,
            content_type: "application/json",
            body_start: hostile,
          },
        ],
        duration_ms: 7,
      },
      { id: "sort.ties", area: "sort", level: "SHOULD", statement: "ties", source: "src", status: "warn", message: hostile, duration_ms: 1 },
      { id: "auth.required", area: "auth", level: "MUST", statement: "auth", source: "src", status: "skip", message: "no key", duration_ms: 0 },
    ],
    summary: { pass: 1, fail: 1, warn: 1, skip: 1, known: 0, xpass: 0 },
    passed: false,
  };

  test("JUnit: one testcase per check, counts per suite, hostile text escaped", () => {
    const xml = renderJUnit(report);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toMatch(/<testsuites name="rerank-harness check t &amp; &lt;x&gt;" tests="4" failures="1" errors="0" skipped="1" time="1.234"/);
    expect(xml).toMatch(/<testsuite name="sort" tests="2" failures="1" errors="0" skipped="0"/);
    expect(xml).toMatch(/<testcase name="sort.ties" classname="rerank.vllm.sort" time="0.001">\s*<system-out>warning \(SHOULD\)/);
    expect(xml).toMatch(/<skipped message="no key"\/>/);
    expect(xml).not.toMatch(/[\u0001\u0007]|\ud800/);
  });

  test.skipIf(!HAS_PYTHON3)("JUnit with hostile text is well-formed XML (python3's parser; skipped without python3)", () => {
    const file = join(dir, "hostile.xml");
    writeFileSync(file, renderJUnit(report));
    assertWellFormedXml(file);
  });

  test("console: grouped by area with the failure's evidence", () => {
    const text = renderCheckConsole(report);
    expect(text).toMatch(/^sort \(1 failed, 1 warning\)$/m);
    expect(text).toMatch(/^FAIL sort\.descending \[MUST\] sorted$/m);
    // A body of several lines is shown once, indented under its exchange; so is a message of several lines.
    expect(text).toMatch(/^ {4}→ 200 application\/json:\n {6}bad <xml>.*\n {6,}second line$/m);
    expect(text).toMatch(/^ {2}failure: bad <xml>.*\n {4}second line$/m);
    expect(text).toMatch(/^FAILED: 1 passed, 1 failed, 1 warning, 1 skipped \(4 checks\)/m);
  });

  test("a failure message names an HTML error page in one line instead of pasting it", () => {
    const page = "<!DOCTYPE html>\n<html>\n  <body>\n    <h1>502 Bad Gateway</h1>\n  </body>\n</html>\n";
    const exchange = (text: string, type: string) => ({ status: 502, headers: { "content-type": type }, text }) as unknown as HttpExchange;
    const vllm = getDialect("vllm");
    expect(errorSummary(vllm, exchange(page, "text/html"))).toBe(`: a text/html body of ${page.length} bytes, not the error envelope`);
    expect(errorSummary(vllm, exchange("Bad Gateway", "text/plain"))).toBe(": Bad Gateway");
  });

  test("JSON: target, dialect and every check with its status and evidence", () => {
    const json = checkJson(report);
    expect(json).toMatchObject({
      schema_version: 2,
      target: "t & <x>",
      dialect: "vllm",
      base_url: report.base_url,
      started_at: report.started_at,
      duration_ms: report.duration_ms,
      passed: false,
    });
    // Every field is described by the strict schema, and nothing camelCase is left.
    expect(CheckReportJson.parse(json)).toEqual(json);
    expect(JSON.stringify(json)).not.toMatch(/"[a-z]+[A-Z][A-Za-z]*":/);
    expect(json.checks[1]!.evidence![0]).toMatchObject({ content_type: "application/json", body_start: expect.any(String) });
    expect(json.checks.map((c) => c.status)).toEqual(["pass", "fail", "warn", "skip"]);
    expect(json.checks[1]!.evidence![0]!.status).toBe(200);
  });
});
