// A consumer's script using the library API (type-checked and run by test/package/install.test.ts).
import { readFile } from "node:fs/promises";
import { runConformance, startTarget, writeCheckReports, type ConformanceReport } from "rerank-harness";

const target = await startTarget(process.env["RH_TARGET"] ?? "embedded", { timeoutMs: 10_000 });
let report: ConformanceReport;
try {
  report = await runConformance(target, { timeoutMs: 10_000, fuzz: 5, only: ["sort.", "top_n."] });
} finally {
  await target.stop();
}
await writeCheckReports(report, { json: "out/check.json", junit: "out/check.xml" });
const written = JSON.parse(await readFile("out/check.json", "utf8")) as { summary: unknown };
console.log(JSON.stringify({ passed: report.passed, summary: report.summary, written: written.summary }));
process.exitCode = report.passed ? 0 : 1;
