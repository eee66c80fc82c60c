import { z } from "zod";
import { LoadReport } from "../load/report.js";
import { CheckReportJson } from "../checks/report.js";
import { CompareReportJson } from "../compare/report.js";

/** The published JSON Schema of each report file, generated from its zod schema (the single source). */
export const REPORT_SCHEMAS = {
  "check-report": CheckReportJson,
  "load-report": LoadReport,
  "compare-report": CompareReportJson,
} as const;

/** File name → text of schemas/*.schema.json (`npm run schemas` writes them; a test keeps them in sync). */
export function renderJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(REPORT_SCHEMAS).map(([name, schema]) => {
      const json = { title: `rerank-harness ${name.replace("-", " ")}`, ...z.toJSONSchema(schema) };
      return [`${name}.schema.json`, `${JSON.stringify(json, null, 2)}\n`];
    }),
  );
}
