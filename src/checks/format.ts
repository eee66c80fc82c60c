import type { CheckOutcome } from "./types.js";

/** A failure as text: the id, what was expected and why, and each exchange that broke it. */
export function formatFailure(o: CheckOutcome, { bodyChars = 300 } = {}): string {
  const lines = [`${o.id} [${o.level}] ${o.statement}`, `  source: ${o.source}`];
  // A message of several lines keeps the block's indentation.
  if (o.message)
    lines.push(
      `  ${o.status === "warn" ? "warning" : "failure"}: ${o.message
        .trim()
        .split(/\s*\n\s*/)
        .join("\n    ")}`,
    );
  for (const e of o.evidence ?? []) {
    lines.push(`  ${e.label ? `${e.label}: ` : ""}${e.request.method} ${e.request.url}`);
    const auth = e.request.headers["authorization"];
    if (auth) lines.push(`    authorization: ${auth}`);
    if (e.request.body !== undefined) lines.push(`    request body: ${oneLine(e.request.body, bodyChars)}`);
    if (e.error) lines.push(`    no response: ${e.error}`);
    else lines.push(`    → ${e.status} ${e.content_type ?? "(no content-type)"}:${bodyBlock(e.body_start ?? "", bodyChars)}`);
  }
  return lines.join("\n");
}

const BODY_LINES = 8;

/** A body on the same line when it is one line; otherwise indented below, cut at a few lines. */
function bodyBlock(text: string, max: number): string {
  const trimmed = text.trim();
  if (!trimmed.includes("\n")) return ` ${oneLine(trimmed, max)}`;
  const all = trimmed
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
  const shown: string[] = [];
  let chars = 0;
  for (const line of all) {
    if (shown.length === BODY_LINES || chars >= max) break;
    const room = max - chars;
    shown.push(line.length <= room ? line : `${line.slice(0, room)}…`);
    chars += line.length;
  }
  const more = all.length - shown.length;
  return ["", ...shown.map((l) => `      ${l}`), ...(more > 0 ? [`      … (${more} more lines)`] : [])].join("\n");
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}
