import { COMPARE_REPORT_VERSION, CompareReportJson, type CompareReport } from "../compare/report.js";
import { checkJson } from "./check-json.js";

// The compare report's schema lives with compare (src/compare/report.ts); this is the writer.
export { COMPARE_REPORT_VERSION, CompareReportJson };

/** The --json file: schema_version, then the report as it is, each target's conformance as `check --json` writes it (its own schema_version added). */
export function compareJson(report: CompareReport): CompareReportJson {
  const targets = report.targets.map(({ conformance, ...t }) => ({ ...t, ...(conformance ? { conformance: checkJson(conformance) } : {}) }));
  return { schema_version: COMPARE_REPORT_VERSION, ...report, targets };
}
