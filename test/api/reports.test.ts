/**
 * The library's report writers write what the CLI writes: `writeCheckReports` the files of
 * `check --json/--junit`, `writeCompareReports` those of `compare --json/--html`,
 * `writeLoadReports` those of `load --json/--html`; the readers read them back.
 *
 * Two ways for each report. Byte for byte: the report object a command wrote is its --json file
 * without schema_version (the in-memory reports are the files' shapes), so handing the CLI's own
 * report to the library writer must give back the CLI's files exactly. And a run of its own:
 * runs differ in what they measure and when, so the comparison blanks what a second run cannot
 * repeat (times, ports, latencies) and compares everything else, field names first. Every file
 * is validated with its zod schema, the source of the published JSON Schemas.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  readCheckReport,
  readCompareReport,
  readLoadReport,
  runCompare,
  runConformance,
  runLoad,
  startTarget,
  writeCheckReports,
  writeCompareReports,
  writeLoadReports,
  type CompareReport,
  type ConformanceReport,
} from "../../src/index.js";
import { CheckReportJson } from "../../src/checks/report.js";
import { CompareReportJson } from "../../src/compare/report.js";
import { parseExpectFailures } from "../../src/checks/expected-failures.js";
import { LoadReport } from "../../src/load/report.js";
import { runCli } from "../cli/run-cli.js";
import { SERVED_MODEL, startVllmLikeServer } from "../servers/vllm-like.js";

const dir = mkdtempSync(join(tmpdir(), "rh-api-reports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Times, ports, and a response body (it carries the server's random response id). */
const VOLATILE = /^(started_at|finished_at|duration_ms|base_url|elapsed_ms|generated_at|body_start)$/;

/** Field names everywhere, and every value except numbers (measured) and volatile fields. */
function shape(value: unknown, key = ""): unknown {
  if (VOLATILE.test(key)) return "<volatile>";
  if (Array.isArray(value)) return value.map((v) => shape(v));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, k)]));
  if (typeof value === "number") return "<number>";
  return value;
}

/** Field names only (a measured string such as a histogram differs between runs). */
function keys(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.length > 0 ? keys(value[0], `${path}[]`) : [];
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keys(v, `${path}.${k}`)]);
  return [];
}

const read = (file: string) => readFileSync(file, "utf8");

/** A `check --json` file's report object: the file without its schema_version. */
function checkReportOf(json: Record<string, unknown>): ConformanceReport {
  const { schema_version: _version, ...report } = json;
  return report as ConformanceReport;
}

/** A `compare --json` file's report object: the file without its schema_versions (top, and each target's conformance). */
function compareReportOf(json: Record<string, unknown>): CompareReport {
  const { schema_version: _version, ...report } = json as Record<string, unknown> & { targets: Record<string, unknown>[] };
  const targets = report.targets.map(({ conformance, ...t }) => ({
    ...t,
    ...(conformance ? { conformance: checkReportOf(conformance as Record<string, unknown>) } : {}),
  }));
  return { ...report, targets } as unknown as CompareReport;
}

describe("library report writers write the CLI's files", () => {
  it("writeCheckReports writes check --json and --junit (a failure with evidence, a known fault and an unexpected pass); readCheckReport reads them back", async () => {
    const server = await startVllmLikeServer({ fault: "unsorted" });
    try {
      const spec = `${server.url}#dialect=vllm&model=${SERVED_MODEL}`;
      const only = ["sort.descending", "schema.indices", "top_n.truncates"];
      const expected = join(dir, "expected.txt");
      writeFileSync(expected, "sort.descending the proxy reorders\nschema.indices listed but fine\n");
      const cliJson = join(dir, "cli-check.json");
      const cliJunit = join(dir, "cli-check.xml");
      const cli = await runCli(
        ["check", "--target", spec, "--only", only.join(","), "--expect-failures", expected, "--fuzz", "0", "--json", cliJson, "--junit", cliJunit],
        { timeoutMs: 60_000 },
      );
      expect(cli.code, cli.stdout + cli.stderr).toBe(1);

      // The file is the schema's, and holds what this test is meant to cover.
      const fromCli = CheckReportJson.parse(JSON.parse(read(cliJson)));
      expect(fromCli.checks.map((c) => [c.id, c.status])).toEqual([
        ["schema.indices", "xpass"],
        ["sort.descending", "known"],
        ["top_n.truncates", "fail"],
      ]);
      const sort = fromCli.checks.find((c) => c.id === "sort.descending")!;
      expect(sort.known_fault).toEqual({ origin: "expect-failures", source: `${expected}:1`, reason: "the proxy reorders" });
      expect(sort.evidence?.[0]).toMatchObject({ status: 200, content_type: "application/json" });

      // The CLI's own report, written by the library: the same bytes.
      const libJson = join(dir, "lib-check.json");
      const libJunit = join(dir, "lib-check.xml");
      const report = checkReportOf(JSON.parse(read(cliJson)));
      await writeCheckReports(report, { json: libJson, junit: libJunit });
      expect(read(libJson)).toBe(read(cliJson));
      expect(read(libJunit)).toBe(read(cliJunit));
      expect(await readCheckReport(cliJson)).toEqual(report);

      // A library run of its own: the same file but for what a second run measures anew.
      const target = await startTarget(spec);
      let own: ConformanceReport;
      try {
        own = await runConformance(target, { timeoutMs: 10_000, fuzz: 0, only, expectFailures: parseExpectFailures(read(expected), expected) });
      } finally {
        await target.stop();
      }
      const ownJson = join(dir, "own-check.json");
      await writeCheckReports(own, { json: ownJson });
      const fromLib = CheckReportJson.parse(JSON.parse(read(ownJson)));
      expect(fromLib).not.toHaveProperty("outcomes");
      expect(keys(fromLib)).toEqual(keys(fromCli));
      expect(shape(fromLib)).toEqual(shape(fromCli));
    } finally {
      await server.close();
    }
  }, 120_000);

  it("writeCompareReports writes compare --json and --html (snake_case, schema_version, each target's checks as check --json has them); readCompareReport reads them back", async () => {
    const cliFile = join(dir, "cli-compare.json");
    const cliHtml = join(dir, "cli-compare.html");
    const args = ["--target", "embedded", "--target", "embedded", "--skip-load", "--only", "sort.descending", "--fuzz", "0", "--rate", "2", "--seed", "42"];
    const cli = await runCli(["compare", ...args, "--json", cliFile, "--html", cliHtml], { timeoutMs: 120_000 });
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = CompareReportJson.parse(JSON.parse(read(cliFile)));
    expect(fromCli.targets.map((t) => t.conformance?.schema_version)).toEqual([2, 2]);

    // The CLI's own report, written by the library: the same bytes.
    const report = compareReportOf(JSON.parse(read(cliFile)));
    const libFile = join(dir, "lib-compare.json");
    const libHtml = join(dir, "lib-compare.html");
    await writeCompareReports(report, { json: libFile, html: libHtml });
    expect(read(libFile)).toBe(read(cliFile));
    expect(read(libHtml)).toBe(read(cliHtml));
    expect(await readCompareReport(cliFile)).toEqual(report);

    // A library run of its own.
    const own = await runCompare(["embedded", "embedded"], { skipLoad: true, checks: { only: ["sort.descending"], fuzz: 0 }, load: { seed: 42, rate: 2 } });
    const ownFile = join(dir, "own-compare.json");
    await writeCompareReports(own, { json: ownFile });
    const fromLib = CompareReportJson.parse(JSON.parse(read(ownFile)));
    expect(fromLib.schema_version).toBe(2);
    expect(fromLib).not.toHaveProperty("startedAt");
    expect(keys(fromLib)).toEqual(keys(fromCli));
    expect(shape(fromLib.targets)).toEqual(shape(fromCli.targets));
    expect(shape(fromLib.agreement)).toEqual(shape(fromCli.agreement));
    expect(shape(fromLib.settings)).toEqual(shape(fromCli.settings));
  }, 240_000);

  it("writeLoadReports writes load --json and --html, and readLoadReport reads it back unchanged", async () => {
    const args = { docs: [2], rate: 20, durationMs: 1_000, seed: 42 };
    const cliFile = join(dir, "cli-load.json");
    const cliHtml = join(dir, "cli-load.html");
    const cli = await runCli(
      ["load", "--docs", "2", "--rate", "20", "--duration", "1s", "--seed", "42", "--no-progress", "--json", cliFile, "--html", cliHtml],
      { timeoutMs: 120_000 },
    );
    expect(cli.code, cli.stderr).toBe(0);

    // The CLI's own report (it carries its schema_version), written by the library: the same bytes.
    const libFile = join(dir, "lib-load.json");
    const libHtml = join(dir, "lib-load.html");
    await writeLoadReports(JSON.parse(read(cliFile)) as LoadReport, { json: libFile, html: libHtml });
    expect(read(libFile)).toBe(read(cliFile));
    expect(read(libHtml)).toBe(read(cliHtml));

    // A library run of its own.
    const target = await startTarget("embedded");
    let report;
    try {
      report = await runLoad(target, { ...args, timeoutMs: 30_000 });
    } finally {
      await target.stop();
    }
    const ownFile = join(dir, "own-load.json");
    await writeLoadReports(report, { json: ownFile });

    const fromCli = LoadReport.parse(JSON.parse(read(cliFile)));
    const fromLib = LoadReport.parse(JSON.parse(read(ownFile)));
    expect(keys(fromLib)).toEqual(keys(fromCli));
    expect(fromLib.scenarios.map((s) => s.docs)).toEqual(fromCli.scenarios.map((s) => s.docs));
    expect(await readLoadReport(ownFile)).toEqual(JSON.parse(JSON.stringify(report)));
  }, 180_000);
});
