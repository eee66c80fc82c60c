import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CATALOGUE } from "../../src/checks/catalogue/index.js";
import { ExpectFailuresFileError, parseExpectFailures } from "../../src/checks/expected-failures.js";
import { ConformanceSession } from "../../src/checks/run.js";
import { listDialects } from "../../src/contract/registry.js";
import { checkJson } from "../../src/report/check-json.js";
import { renderJUnit } from "../../src/report/junit.js";
import { renderCheckConsole } from "../../src/report/check-console.js";
import { runCli } from "../cli/run-cli.js";
import { asTarget } from "../servers/target.js";
import { startVllmLikeServer } from "../servers/vllm-like.js";

const session = new ConformanceSession();
afterAll(() => session.close());

describe("--expect-failures file", () => {
  test("CHECK_ID reason per line; comments and blank lines ignored", () => {
    const list = parseExpectFailures("# ours\n\nsort.descending   our proxy reorders (ticket 12)\n  errors.too_long 500 on long input\n", "x.txt");
    expect(list).toEqual([
      { check: "sort.descending", reason: "our proxy reorders (ticket 12)", source: "x.txt:3", origin: "expect-failures" },
      { check: "errors.too_long", reason: "500 on long input", source: "x.txt:4", origin: "expect-failures" },
    ]);
  });

  test.each([
    ["sort.descending\n", /x\.txt:1: "sort\.descending" needs a reason/],
    ["# c\nsort.nope because\n", /x\.txt:2: "sort\.nope" is not a check/],
    ["Sort descending\n", /x\.txt:1: "Sort" is not a check id/],
    ["sort.ties a\nsort.ties b\n", /x\.txt:2: "sort\.ties" is already listed on line 1/],
  ])("a bad line is named: %j", (text, message) => {
    expect(() => parseExpectFailures(text, "x.txt")).toThrow(ExpectFailuresFileError);
    expect(() => parseExpectFailures(text, "x.txt")).toThrow(message);
  });

  test("every dialect's known faults name real checks, with a source and a reason", () => {
    for (const d of listDialects()) {
      for (const f of d.knownFaults) {
        expect(
          CATALOGUE.some((c) => c.id === f.check),
          `${d.name}: ${f.check}`,
        ).toBe(true);
        expect(f.source.length).toBeGreaterThan(10);
        expect(f.reason.length).toBeGreaterThan(10);
      }
    }
  });

  test("the CLI: a bad file is exit 2 naming the line, before any target starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rh-xfail-"));
    const file = join(dir, "expected.txt");
    writeFileSync(file, "# known\nsort.descending proxy\nerrors.nope oops\n");
    const run = await runCli(["check", "--target", "http://127.0.0.1:9", "--expect-failures", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/expected\.txt:3: "errors\.nope" is not a check/);
  });

  test("a listed failure is KNOWN (run passes), a listed pass is XPASS; --strict fails both; every report shows them", async () => {
    const server = await startVllmLikeServer({ fault: "unsorted" });
    try {
      const expectFailures = parseExpectFailures("sort.descending the proxy reorders\nschema.indices listed but fine\n", "mine.txt");
      const only = ["sort.descending", "schema.indices"];
      const report = await session.run(asTarget(server, "xfail"), { timeoutMs: 5_000, only, expectFailures });
      const byId = Object.fromEntries(report.checks.map((o) => [o.id, o]));
      expect(byId["sort.descending"]!.status).toBe("known");
      expect(byId["sort.descending"]!.message).toMatch(/expected failure: the proxy reorders \(mine\.txt:1\); this run: results are not sorted/);
      expect(byId["schema.indices"]!.status).toBe("xpass");
      expect(report.summary).toMatchObject({ known: 1, xpass: 1, fail: 0 });
      expect(report.passed).toBe(true);

      expect(renderCheckConsole(report)).toMatch(/^ {2}KNOWN {2}sort\.descending/m);
      expect(renderCheckConsole(report)).toMatch(/^XPASS schema\.indices/m);
      expect(renderCheckConsole(report)).toMatch(/1 known fault, 1 passed unexpectedly/);
      expect(renderJUnit(report)).toMatch(/<testcase name="sort\.descending"[^>]*>\s*<skipped message="KNOWN: expected failure: the proxy reorders/);
      const json = checkJson(report);
      expect(json.checks.find((c) => c.id === "sort.descending")).toMatchObject({
        status: "known",
        known_fault: { origin: "expect-failures", source: "mine.txt:1", reason: "the proxy reorders" },
      });

      const strict = await session.run(asTarget(server, "xfail-strict"), { timeoutMs: 5_000, only, expectFailures, strict: true });
      expect(strict.checks.map((o) => o.status)).toEqual(["fail", "fail"]);
      expect(strict.passed).toBe(false);
    } finally {
      await server.close();
    }
  });
});
