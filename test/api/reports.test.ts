/**
 * The library's report writers write what the CLI writes: `writeCompareReports` the file of
 * `compare --json`, `writeLoadReports` the file of `load --json`, and `readLoadReport` reads the
 * latter back. Runs differ in what they measure and when, so the comparison blanks what a second
 * run cannot repeat (times, ports, latencies) and compares everything else, field names first.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLoadReport, runCompare, runLoad, startTarget, writeCompareReports, writeLoadReports } from "../../src/index.js";
import { CompareReportJson } from "../../src/report/compare-json.js";
import { LoadReport } from "../../src/load/report.js";
import { runCli } from "../cli/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "rh-api-reports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VOLATILE = /^(started_at|finished_at|duration_ms|base_url|elapsed_ms|generated_at)$/;

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

describe("library report writers write the CLI's files", () => {
  it("writeCompareReports writes compare --json (snake_case, schema_version), not the camelCase report object", async () => {
    const cliFile = join(dir, "cli-compare.json");
    const cli = await runCli(["compare", "--target", "embedded", "--target", "embedded", "--skip-load", "--skip-checks", "--rate", "2", "--seed", "42", "--json", cliFile], { timeoutMs: 120_000 });
    expect(cli.code, cli.stderr).toBe(0);

    const report = await runCompare(["embedded", "embedded"], { skipLoad: true, skipChecks: true, load: { seed: 42, rate: 2 } });
    const libFile = join(dir, "lib-compare.json");
    await writeCompareReports(report, { json: libFile });

    const fromCli = JSON.parse(readFileSync(cliFile, "utf8"));
    const fromLib = JSON.parse(readFileSync(libFile, "utf8"));
    expect(CompareReportJson.parse(fromLib).schema_version).toBe(2);
    expect(fromLib).not.toHaveProperty("startedAt");
    expect(keys(fromLib)).toEqual(keys(fromCli));
    expect(shape(fromLib.targets)).toEqual(shape(fromCli.targets));
    expect(shape(fromLib.agreement)).toEqual(shape(fromCli.agreement));
    expect(shape(fromLib.settings)).toEqual(shape(fromCli.settings));
  }, 180_000);

  it("writeLoadReports writes load --json, and readLoadReport reads it back unchanged", async () => {
    const args = { docs: [2], rate: 20, durationMs: 1_000, seed: 42 };
    const cliFile = join(dir, "cli-load.json");
    const cli = await runCli(["load", "--docs", "2", "--rate", "20", "--duration", "1s", "--seed", "42", "--no-progress", "--json", cliFile], { timeoutMs: 120_000 });
    expect(cli.code, cli.stderr).toBe(0);

    const target = await startTarget("embedded");
    let report;
    try {
      report = await runLoad(target, { ...args, timeoutMs: 30_000 });
    } finally {
      await target.stop();
    }
    const libFile = join(dir, "lib-load.json");
    await writeLoadReports(report, { json: libFile });

    const fromCli = LoadReport.parse(JSON.parse(readFileSync(cliFile, "utf8")));
    const fromLib = LoadReport.parse(JSON.parse(readFileSync(libFile, "utf8")));
    expect(keys(fromLib)).toEqual(keys(fromCli));
    expect(fromLib.scenarios.map((s) => s.docs)).toEqual(fromCli.scenarios.map((s) => s.docs));
    expect(await readLoadReport(libFile)).toEqual(JSON.parse(JSON.stringify(report)));
  }, 180_000);
});
