// @ts-nocheck
import type { CheckOutcome } from "./types.js";

/** A failure as text: the id, what was expected and why, and each exchange that broke it. */
export function formatFailure(o: CheckOutcome, { bodyChars = 300 } = {}): string {
  const lines = [`${o.id} [${o.level}] ${o.statement}`, `  expected: ${o.source}`];
  if (o.message) lines.push(`  ${o.status === "warn" ? "warning" : "failure"}: ${o.message}`);
  for (const e of o.evidence ?? []) {
    lines.push(`  ${e.label ? `${e.label}: ` : ""}${e.request.method} ${e.request.url}`);
    const auth = e.request.headers["authorization"];
    if (auth) lines.push(`    authorization: ${auth}`);
    if (e.request.body !== undefined) lines.push(`    request body: ${oneLine(e.request.body, bodyChars)}`);
    if (e.error) lines.push(`    no response: ${e.error}`);
    else lines.push(`    → ${e.status} ${e.contentType ?? "(no content-type)"}: ${oneLine(e.bodyStart ?? "", bodyChars)}`);
  }
  return lines.join("\n");
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}
