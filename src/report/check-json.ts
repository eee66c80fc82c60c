import { CHECK_REPORT_VERSION, CheckReportJson, type ConformanceReport } from "../checks/report.js";

// The check report's schema lives with the checks (src/checks/report.ts); this is the writer.
export { CHECK_REPORT_VERSION, CheckReportJson };

/** The --json report: schema_version, then the report as it is (its fields are the file's). */
export function checkJson(report: ConformanceReport): CheckReportJson {
  return { schema_version: CHECK_REPORT_VERSION, ...report };
}
