import { z } from "zod";
import type { Corpus } from "./workload.js";
import { HarnessError } from "../util/errors.js";

// Corpus files: the project's JSON shape ({passages, queries?}) or JSONL, one item a line:
// a string or {text|passage|document} is a passage, {query} is a query.

const CorpusJson = z.object({
  passages: z.array(z.string().min(1)).min(1),
  queries: z.array(z.string().min(1)).optional(),
});

const JsonlLine = z.union([
  z.string().min(1),
  z.object({ query: z.string().min(1) }),
  z.object({ text: z.string().min(1) }),
  z.object({ passage: z.string().min(1) }),
  z.object({ document: z.string().min(1) }),
]);

export class CorpusFileError extends HarnessError {
  readonly code = "RH_CORPUS_FILE";
  readonly kind = "usage";
}

/** Parses a corpus file's text; `where` names it in errors. JSONL unless the text is one JSON object. */
export function parseCorpus(text: string, where: string): Corpus {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") && !trimmed.includes("\n{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw new CorpusFileError(`${where}: ${(err as Error).message}`);
    }
    const parsed = CorpusJson.safeParse(json);
    if (!parsed.success) throw new CorpusFileError(`${where}: ${parsed.error.issues[0]!.path.join(".") || "(root)"}: ${parsed.error.issues[0]!.message}`);
    return parsed.data;
  }
  const passages: string[] = [];
  const queries: string[] = [];
  trimmed.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new CorpusFileError(`${where}:${i + 1}: ${(err as Error).message}`);
    }
    const item = JsonlLine.safeParse(json);
    if (!item.success) throw new CorpusFileError(`${where}:${i + 1}: expected a string or an object with query, text, passage or document`);
    const v = item.data;
    if (typeof v === "string") passages.push(v);
    else if ("query" in v) queries.push(v.query);
    else passages.push("text" in v ? v.text : "passage" in v ? v.passage : v.document);
  });
  if (passages.length === 0) throw new CorpusFileError(`${where}: no passages`);
  return queries.length > 0 ? { passages, queries } : { passages };
}
