import { redact } from "../client/secrets.js";
import type { SummaryDoc, SummaryFailure } from "./summary.js";

// GitHub Actions workflow commands (`::error title=…::message`), one per failed check or
// scenario, so a red run shows why on the run page and the PR. Escaping follows
// @actions/core 1.x, packages/core/src/command.ts (escapeData, escapeProperty): the message
// escapes %, CR and LF; a property value also `:` and `,`, its delimiters.

export function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * GitHub shows at most 10 error and 10 warning annotations per step, 50 per job
 * (actions/toolkit docs/problem-matchers.md, "Limitations"); past that the rest are dropped
 * silently, so the last one shown says how many more there are.
 */
export const ANNOTATIONS_PER_SEVERITY = 10;

/** Longest message kept; the summary and the reports carry the rest. */
const MESSAGE_CHARS = 1_000;

/** One workflow command line; secrets registered in src/client/secrets.ts are scrubbed before escaping. */
export function workflowCommand(command: "error" | "warning" | "notice", message: string, properties: Record<string, string> = {}): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(redact(v))}`)
    .join(",");
  return `::${command}${props ? ` ${props}` : ""}::${escapeData(redact(message))}`;
}

/** The annotations of a summary's failures (errors, then warnings), each severity capped as GitHub caps it. */
export function annotationLines(doc: SummaryDoc): string[] {
  const lines: string[] = [];
  for (const severity of ["error", "warning"] as const) {
    const all = doc.failures.filter((f) => f.severity === severity);
    const shown = all.length > ANNOTATIONS_PER_SEVERITY ? all.slice(0, ANNOTATIONS_PER_SEVERITY - 1) : all;
    for (const f of shown) lines.push(workflowCommand(severity, annotationMessage(f), { title: `${doc.title}: ${f.title}` }));
    const rest = all.length - shown.length;
    if (rest > 0) {
      lines.push(
        workflowCommand(severity, `${rest} more ${severity === "error" ? "failures" : "warnings"}: see the job summary or the reports`, {
          title: `${doc.title}: ${rest} more`,
        }),
      );
    }
  }
  return lines;
}

function annotationMessage(f: SummaryFailure): string {
  const facts = (f.facts ?? []).map(([k, v]) => `${k}: ${v}`);
  const text = [f.message, ...facts].join("\n");
  return text.length <= MESSAGE_CHARS ? text : `${text.slice(0, MESSAGE_CHARS)}…`;
}
