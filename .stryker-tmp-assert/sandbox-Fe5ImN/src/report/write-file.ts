// @ts-nocheck
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { redact } from "../client/secrets.js";

/** Every report file goes through here: parent folders made, registered secrets scrubbed. */
export async function writeReportFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, redact(content), "utf8");
}

/** JSON reports: pretty-printed, newline-terminated. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes each report the user asked for (`--json FILE`, `--html FILE`, …), saying so on `log`. */
export async function writeRequestedReports(
  outputs: ReadonlyArray<readonly [path: string | undefined, render: () => string | Promise<string>]>,
  log: (line: string) => void,
): Promise<void> {
  for (const [path, render] of outputs) {
    if (!path) continue;
    await writeReportFile(path, await render());
    log(`wrote ${path}`);
  }
}
