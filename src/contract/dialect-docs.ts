import type { BadInputClass, Dialect } from "./dialect.js";
import { BAD_INPUT_CLASSES } from "./dialect.js";
import { listDialects } from "./registry.js";

/** The bad-input classes as the checks that send them are named. */
const CHECK_OF: Record<BadInputClass, string> = {
  missingQuery: "errors.missing_query",
  missingDocuments: "errors.missing_documents",
  wrongType: "errors.wrong_type",
  emptyDocuments: "errors.empty_documents",
  malformedJson: "errors.malformed_json",
  nonObjectJson: "errors.non_object_json",
  wrongContentType: "errors.wrong_content_type",
  unknownModel: "errors.unknown_model",
  tooLong: "errors.too_long",
  tooManyDocuments: "errors.too_many_documents",
};

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function section(d: Dialect): string[] {
  const e = d.expectations;
  const docs = e.returnDocuments;
  const lines = [
    `## ${d.title} (\`--dialect ${d.name}\`)`,
    "",
    `Read from: ${d.sources.map((s) => `\`${s}\``).join("; ")}.`,
    "",
    "| | |",
    "|---|---|",
    `| rerank paths | ${d.paths.map((p) => `\`${p}\``).join(", ")} |`,
    `| model | ${d.requiresModel ? "required (`--model`)" : "optional"} |`,
    `| top_n | ${e.topN ? `0 → ${e.topN.zero}; negative → ${e.topN.negative}` : "not part of this API"} |`,
    `| echoed documents | ${docs ? `\`${docs.field}\` as ${docs.shape === "object" ? "`{text}`" : "a string"}; ${docs.switchable ? `switch, default ${docs.byDefault ? "on" : "off"}` : docs.byDefault ? "always" : "never"}; when off: ${docs.whenOmitted} (${cell(docs.whenOmittedSource)}); echo ${docs.echo === "stripped" ? "stripped of leading/trailing whitespace" : "exact"}` : "never"} |`,
    `| scores | ${e.score.kind} |`,
    `| ties | ${e.ties} |`,
    `| \`{text}\` documents | ${e.objectDocuments ? "accepted" : "refused"} |`,
    `| usage | ${e.usage} |`,
    `| auth | ${e.auth.statuses.join(" or ")} on \`${e.auth.path}\` |`,
    `| limits | ${d.limits ? `read once per run from \`GET ${d.limits.path}\` (${cell(d.limits.source)}); the documented defaults where it does not answer` : "the documented defaults"} |`,
    "",
    "| bad input (check) | expected | source |",
    "|---|---|---|",
  ];
  for (const cls of BAD_INPUT_CLASSES) {
    const b = e.badInput[cls];
    const expected = b
      ? [b.statuses === "any-4xx" ? "any 4xx" : b.statuses.join(" or "), b.mayAccept ? `or 2xx (${b.mayAccept})` : ""].filter(Boolean).join(" ") +
        `, ${b.body} body`
      : "not checked";
    lines.push(`| \`${CHECK_OF[cls]}\` | ${cell(expected)} | ${b ? cell(b.source) : "no documented behaviour"} |`);
  }
  lines.push("");
  if (d.knownFaults.length > 0) {
    lines.push("Known upstream faults (reported as KNOWN; they fail the run only with `--strict`):", "");
    for (const f of d.knownFaults) lines.push(`- \`${f.check}\`: ${f.reason} (\`${f.source}\`)`);
    lines.push("");
  }
  return lines;
}

/** docs/dialects.md, generated from the dialects' data (`npm run docs:dialects`); a test keeps the file in sync. */
export function renderDialectDocs(): string {
  return [
    "# Dialects",
    "",
    "<!-- Generated from src/contract/dialects/*.ts by `npm run docs:dialects`; do not edit by hand. -->",
    "",
    "What `rerank-harness check` expects of each rerank API, and the upstream file (and version) each",
    "expectation was read from. A check that fails on the stock server because of a fault in the server",
    "itself is listed as a known upstream fault.",
    "",
    ...listDialects().flatMap(section),
  ].join("\n");
}
