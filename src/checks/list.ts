import { listDialects } from "../contract/registry.js";
import { CATALOGUE, resolveSource } from "./catalogue/index.js";
import { CHECK_AREAS } from "./types.js";

/**
 * The catalogue as `check --list` prints it: id, level, the dialects it applies to, the
 * statement, and where the expectation comes from (for a per-dialect source, the first
 * dialect it applies to; docs/checks.md lists every dialect's).
 */
export function renderCatalogue(): string {
  const dialects = listDialects();
  const width = Math.max(...CATALOGUE.map((c) => c.id.length));
  const out: string[] = [`${CATALOGUE.length} checks. MUST fails the run; SHOULD warns (fails with --strict).`, ""];
  for (const area of CHECK_AREAS) {
    const checks = CATALOGUE.filter((c) => c.area === area);
    if (checks.length === 0) continue;
    out.push(area === "fidelity" ? "fidelity (skipped unless --fidelity MODEL)" : area);
    for (const c of checks) {
      const applies = dialects.filter((d) => c.skipReason(d) === null).map((d) => d.name);
      const to = applies.length === dialects.length ? "all dialects" : applies.length === 0 ? "no dialect" : applies.join(", ");
      const known = dialects.filter((d) => d.knownFaults.some((f) => f.check === c.id)).map((d) => d.name);
      const note = known.length > 0 ? `; known upstream fault: ${known.join(", ")}` : "";
      const example = dialects.find((d) => c.skipReason(d) === null) ?? dialects[0]!;
      const source = typeof c.source === "string" ? `source: ${c.source}` : `source (${example.name}; per dialect): ${resolveSource(c, example)}`;
      out.push(`  ${c.id.padEnd(width)}  ${c.level.padEnd(6)}  [${to}${note}]`, `  ${" ".repeat(width)}  ${c.statement}`, `  ${" ".repeat(width)}  ${source}`);
    }
    out.push("");
  }
  return out.join("\n");
}
