import { codeBlock, htmlLine, mdText } from "./markdown.js";

// The Markdown summary of any report (check, load, compare; verdict and merge reuse load's):
// a renderer per report kind turns its report into a SummaryDoc, and layoutSummary() writes
// every doc the same way — verdict first, then each failure with its evidence in a <details>,
// then the tables — within a byte budget. The same doc gives the workflow annotations.

/** GitHub refuses a job summary over 1 MiB per step (docs: "Adding a job summary"). */
export const GITHUB_SUMMARY_LIMIT = 1024 * 1024;

/** One failed check or scenario. Text fields are plain (untrusted) text; the layout escapes them. */
export interface SummaryFailure {
  /** What failed: a check id, a scenario name, "target: check id". */
  title: string;
  /** error: it failed the run; warning: shown, but did not fail it on its own. */
  severity: "error" | "warning";
  /** One line: why. */
  message: string;
  /** Facts worth a line each (statement, source, thresholds). */
  facts?: Array<[name: string, value: string]>;
  /** Exchanges or samples, each shown as a code block; what gets cut first. */
  evidence?: string[];
}

export interface SummaryDoc {
  /** e.g. "rerank-harness check": the harness's own words, written as they are. */
  title: string;
  passed: boolean;
  /** One line after the verdict: counts, duration. Plain text. */
  verdictLine: string;
  /** Facts about the run (target, dialect, model…): a short list. Plain text. */
  about: Array<[name: string, value: string]>;
  failures: SummaryFailure[];
  /** Markdown already (built with the helpers in markdown.ts), each under its own heading. */
  tables: Array<{ heading: string; markdown: string; rows: number }>;
}

export interface LayoutOptions {
  /** Largest output in bytes (UTF-8); default GitHub's summary limit less room for other steps' text. */
  maxBytes?: number;
  /** Where the untruncated evidence is, for the note that says what was cut (e.g. "the --json report"). */
  fullReportHint?: string;
}

/** Leaves room for whatever else a step appends (GitHub counts the whole step's summary). */
export const DEFAULT_SUMMARY_BYTES = GITHUB_SUMMARY_LIMIT - 64 * 1024;

/** Failures whose evidence is kept first, however many there are (GitHub's annotations stop at 10 too). */
const EVIDENCE_FIRST = 10;

/** Longest evidence block kept for one exchange, before any budget cut. */
const EVIDENCE_CHARS = 4_000;

const bytes = (s: string): number => Buffer.byteLength(s, "utf8");

/** The summary as GitHub-flavoured Markdown, at most `maxBytes`, saying what it cut. */
export function layoutSummary(doc: SummaryDoc, { maxBytes = DEFAULT_SUMMARY_BYTES, fullReportHint }: LayoutOptions = {}): string {
  const head = [
    `## ${doc.passed ? "✅" : "❌"} ${doc.title}: ${doc.passed ? "PASSED" : "FAILED"}`,
    "",
    `**${doc.passed ? "PASSED" : "FAILED"}** ${mdText(clip(doc.verdictLine, 1_000))}`,
    "",
    ...doc.about.map(([k, v]) => `- ${mdText(k)}: ${mdText(v)}`),
    "",
    "",
  ].join("\n");
  const errors = doc.failures.filter((f) => f.severity === "error");
  const warnings = doc.failures.filter((f) => f.severity === "warning");
  const ordered = [...errors, ...warnings];
  // Room for the note that says what was cut, whatever it ends up saying.
  const NOTE_ROOM = 600;
  let room = maxBytes - bytes(head) - NOTE_ROOM;

  // Tables come last but are reserved for first, capped at a third of what is left.
  const tables = fitTables(doc.tables, Math.max(0, Math.floor(room / 3)));
  room -= bytes(tables.text);

  const failureHeading = ordered.length === 0 ? "" : `### ${sectionName(errors.length, warnings.length)}\n\n`;
  room -= bytes(failureHeading);
  // Three forms per failure: full (a <details> with evidence), bare (the <details> without it),
  // line (one list item). Every failure gets a line first; then, in order, the first few get
  // their evidence, everyone that fits a <details>, and the rest of the room goes to evidence.
  // Each pass stops at the first that does not fit, so the forms run full…, bare…, line….
  const forms = ordered.map((f) => [failureLine(f), failureBlock(f, false), failureBlock(f, true)] as const);
  const size = forms.map((fs) => fs.map(bytes));
  const tier: number[] = [];
  for (let i = 0; i < ordered.length && size[i]![0]! <= room; i++) {
    tier.push(0);
    room -= size[i]![0]!;
  }
  const upgrade = (to: number, limit: number, budget = () => room, spend = (_: number) => {}) => {
    for (let i = 0; i < Math.min(limit, tier.length); i++) {
      if (tier[i]! >= to) continue;
      const extra = size[i]![to]! - size[i]![tier[i]!]!;
      if (extra > room || extra > budget()) break;
      tier[i] = to;
      room -= extra;
      spend(extra);
    }
  };
  let firstRoom = Math.floor(room / 2);
  upgrade(
    2,
    EVIDENCE_FIRST,
    () => firstRoom,
    (n) => (firstRoom -= n),
  );
  upgrade(1, tier.length);
  upgrade(2, tier.length);
  const omitted = ordered.length - tier.length;
  const withoutEvidence = tier.filter((t, i) => t < 2 && ordered[i]!.evidence?.length).length;
  const byNameOnly = tier.filter((t) => t === 0).length;
  const shown = tier.map((t, i) => forms[i]![t]!).join("");
  const blocks = [
    shown,
    byNameOnly > 0 ? "\n" : "",
    omitted === 0 ? "" : tier.length === 0 ? `_${omitted} not shown._\n\n` : `_…and ${omitted} more not shown._\n\n`,
  ];

  const cuts: string[] = [];
  if (withoutEvidence > 0) cuts.push(`the evidence of ${withoutEvidence} of ${ordered.length} failures`);
  if (byNameOnly > 0) cuts.push(`the details of ${byNameOnly} failures (each listed in one line)`);
  if (omitted > 0) cuts.push(`${omitted} of ${ordered.length} failures entirely`);
  if (tables.cutRows > 0) cuts.push(`${tables.cutRows} table rows`);
  const note =
    cuts.length === 0
      ? ""
      : `> [!NOTE]\n> This summary was cut to fit ${Math.floor(maxBytes / 1024)} KiB (GitHub refuses a step summary over 1 MiB): it leaves out ${cuts.join(", ")}.` +
        `${fullReportHint ? ` ${mdText(fullReportHint)} has everything.` : ""}\n\n`;

  return `${head}${note}${failureHeading}${blocks.join("")}${tables.text}`;
}

function sectionName(errors: number, warnings: number): string {
  const parts = [];
  if (errors > 0) parts.push(`Failures (${errors})`);
  if (warnings > 0) parts.push(`Warnings (${warnings})`);
  return parts.join(" and ");
}

/** A collapsible section: the title and message always visible, the facts and evidence inside. */
function failureBlock(f: SummaryFailure, evidence: boolean): string {
  const mark = f.severity === "error" ? "❌" : "⚠️";
  const summary = `<summary>${mark} <code>${htmlLine(f.title)}</code>: ${htmlLine(clip(f.message, 300))}</summary>`;
  const facts = (f.facts ?? []).map(([k, v]) => `- ${mdText(k)}: ${mdText(v)}`);
  const shown = evidence ? (f.evidence ?? []) : [];
  const cut = f.evidence?.length && !evidence ? [`_Evidence cut for size (${f.evidence.length} exchanges)._`, ""] : [];
  const body = [...(facts.length ? [...facts, ""] : []), ...shown.flatMap((e) => [codeBlock(clip(e, EVIDENCE_CHARS)), ""]), ...cut];
  // The blank line after <summary> lets GitHub read the Markdown inside the <details>.
  return ["<details>", summary, "", ...body, "</details>", "", ""].join("\n");
}

/** The smallest form: one list item. */
function failureLine(f: SummaryFailure): string {
  return `- ${f.severity === "error" ? "❌" : "⚠️"} <code>${htmlLine(f.title)}</code>: ${mdText(clip(f.message, 200))}\n`;
}

/** The tables, each under its heading; rows cut from the end of the longest until they fit. */
function fitTables(tables: SummaryDoc["tables"], room: number): { text: string; cutRows: number } {
  const render = (t: SummaryDoc["tables"][number], keep: number): string => {
    const lines = t.markdown.split("\n");
    const kept = lines.slice(0, 2 + keep);
    const cut = t.rows - keep;
    return `### ${mdText(t.heading)}\n\n${kept.join("\n")}\n${cut > 0 ? `\n_…${cut} more rows cut for size._\n` : ""}\n`;
  };
  const keep = tables.map((t) => t.rows);
  const total = () => tables.reduce((n, t, i) => n + bytes(render(t, keep[i]!)), 0);
  let size = total();
  while (size > room && keep.some((k) => k > 0)) {
    const i = keep.indexOf(Math.max(...keep));
    // Halve the longest table: a 5,000-row table fits in a handful of steps.
    keep[i] = Math.floor(keep[i]! / 2);
    size = total();
  }
  const cutRows = tables.reduce((n, t, i) => n + t.rows - keep[i]!, 0);
  return { text: tables.map((t, i) => render(t, keep[i]!)).join(""), cutRows };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
