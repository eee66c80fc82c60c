import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { redact } from "../client/secrets.js";

/** Every report file goes through here: parent folders made, registered secrets scrubbed. */
export async function writeReportFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, redact(content), "utf8");
}

/** JSON reports: pretty-printed, newline-terminated. */
export async function writeJsonReport(path: string, value: unknown): Promise<void> {
  await writeReportFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
