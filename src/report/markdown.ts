import { escapeHtml } from "./html/escape.js";

// GitHub-flavoured Markdown from untrusted text (server messages, response bodies, labels).
// A summary is Markdown with raw HTML allowed (`<details>`), so server text must not be able to
// open a tag, start a list or a heading, end a table cell, or close a code fence.

/** Control characters (tab and newline aside) and lone surrogates: nothing a reader needs. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

/**
 * Inline Markdown text, one line: HTML special characters as entities, every other ASCII
 * punctuation that Markdown reads backslash-escaped (CommonMark: any ASCII punctuation may be),
 * line breaks as spaces. Safe in a paragraph and in a table cell (`|` is escaped too).
 */
export function mdText(text: string): string {
  return stripControl(text)
    .replace(/\s*\n\s*/g, " ")
    .replace(/[\\`*_{}[\]()#+\-.!|~=:]/g, (c) => `\\${c}`)
    .replace(/[&<>"]/g, (c) => escapeHtml(c));
}

/** Text inside raw HTML (a `<summary>` line): Markdown is not read there, entities are. */
export function htmlLine(text: string): string {
  return escapeHtml(stripControl(text).replace(/\s*\n\s*/g, " "));
}

/** Inline code: a backtick run longer than any inside; `|` escaped so a table cell holds it. */
export function mdCode(text: string): string {
  const flat = stripControl(text).replace(/\s*\n\s*/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat.replace(/\|/g, "\\|")}${pad}${ticks}`;
}

/** A fenced code block whose fence no line of `text` can close (CommonMark: a longer run of the same character). */
export function codeBlock(text: string, info = "text"): string {
  const body = stripControl(text).replace(/\n+$/, "");
  const longest = Math.max(0, ...(body.match(/`{3,}/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** A GFM table; cells are Markdown already (pass untrusted text through mdText or mdCode). */
export function mdTable(header: string[], rows: string[][], align?: Array<"left" | "right">): string {
  const rule = header.map((_, i) => (align?.[i] === "right" ? "---:" : "---"));
  const line = (cells: string[]) => `| ${cells.map((c) => (c === "" ? " " : c)).join(" | ")} |`;
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}
