import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { z } from "zod";
import { DatasetError } from "./dataset-types.js";

/**
 * Streams a text file's non-blank lines with their 1-based numbers (bounded memory). A read
 * failure is a DatasetError naming the file and the line it stopped at; errors the consumer
 * throws pass through as they are.
 */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const input = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() !== "") yield { line, text };
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DatasetError(file, line === 0 ? undefined : line, `cannot read it (${e.code ?? e.message})`);
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * Streams a JSONL file one record at a time (bounded memory), validating each against `schema`.
 * Blank lines are allowed; anything else that is not a matching JSON object is a DatasetError
 * naming the file and the 1-based line.
 */
export async function* readJsonl<T>(file: string, schema: z.ZodType<T>): AsyncGenerator<{ line: number; value: T }> {
  for await (const { line, text } of readLines(file)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new DatasetError(file, line, `not JSON (${(err as Error).message})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DatasetError(file, line, describeIssue(parsed.error));
    yield { line, value: parsed.data };
  }
}

/** The first problem zod found, as "field \"positive\": expected array, received string". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const at = issue.path.length > 0 ? `field "${issue.path.join(".")}": ` : "";
  return `${at}${issue.message}`;
}
