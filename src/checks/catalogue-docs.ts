import type { Dialect } from "../contract/dialect.js";
import { listDialects } from "../contract/registry.js";
import { CATALOGUE, resolveSource } from "./catalogue/index.js";
import { CHECK_AREAS, type CheckDefinition } from "./types.js";

// docs/checks.md, generated from the catalogue (`npm run docs:checks`); a test keeps the file in
// sync, as docs/dialects.md is kept in sync with the dialects' data.

/** Each distinct source of a check, with the dialects it is the source for. */
function sourcesOf(check: CheckDefinition, dialects: readonly Dialect[]): Array<{ dialects: string[]; source: string }> {
  const bySource = new Map<string, string[]>();
  for (const d of dialects) {
    const source = resolveSource(check, d);
    bySource.set(source, [...(bySource.get(source) ?? []), d.name]);
  }
  return [...bySource].map(([source, names]) => ({ source, dialects: names }));
}

function section(check: CheckDefinition, all: readonly Dialect[]): string[] {
  const applies = all.filter((d) => check.skipReason(d) === null);
  const skipped = all.filter((d) => check.skipReason(d) !== null);
  const known = all.flatMap((d) => d.knownFaults.filter((f) => f.check === check.id).map((f) => ({ dialect: d.name, ...f })));
  const lines = [`### \`${check.id}\` (${check.level})`, "", check.statement, ""];
  lines.push(
    `Dialects: ${applies.length === all.length ? "all" : applies.length === 0 ? "none by default" : applies.map((d) => `\`${d.name}\``).join(", ")}.` +
      (skipped.length > 0 && applies.length > 0 ? ` Skipped for ${skipped.map((d) => `\`${d.name}\` (${check.skipReason(d)})`).join("; ")}.` : ""),
    "",
  );
  const sources = sourcesOf(check, applies.length > 0 ? applies : all);
  if (sources.length === 1) lines.push(`Source: ${sources[0]!.source}`, "");
  else {
    lines.push("Sources:", "");
    for (const s of sources) lines.push(`- ${s.dialects.map((n) => `\`${n}\``).join(", ")}: ${s.source}`);
    lines.push("");
  }
  if (known.length > 0) {
    lines.push("Known upstream faults (KNOWN; fail only with `--strict`):", "");
    for (const k of known) lines.push(`- \`${k.dialect}\`: ${k.reason} (\`${k.source}\`)`);
    lines.push("");
  }
  return lines;
}

/** The whole catalogue as Markdown: per area, every check's id, level, statement, dialects and sources. */
export function renderCheckDocs(): string {
  const dialects = listDialects();
  const must = CATALOGUE.filter((c) => c.level === "MUST").length;
  const lines = [
    "# Checks",
    "",
    "<!-- Generated from src/checks/catalogue/*.ts by `npm run docs:checks`; do not edit by hand. -->",
    "",
    `The ${CATALOGUE.length} conformance checks of \`rerank-harness check\` (${must} MUST, ${CATALOGUE.length - must} SHOULD), by area in report order.`,
    "A MUST check that fails fails the run; a SHOULD check warns (and fails with `--strict`). Ids are stable:",
    "`--only`, `--expect-failures`, JUnit and JSON reports key on them. The source is where the expectation",
    "was read, for each dialect it applies to (the dialects themselves: [dialects.md](dialects.md)).",
    "",
  ];
  for (const area of CHECK_AREAS) {
    const checks = CATALOGUE.filter((c) => c.area === area);
    if (checks.length === 0) continue;
    lines.push(`## ${area}`, "");
    for (const c of checks) lines.push(...section(c, dialects));
  }
  return lines.join("\n");
}
