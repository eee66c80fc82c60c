import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Lines of a target's output kept in memory for the failure message. */
export const TAIL_LINES = 200;

/**
 * A started server's output: everything goes to a log file, the last lines stay in memory so a
 * failed start can show them (TargetStartError's tail) without reading the file back.
 */
export class OutputLog {
  readonly file: string;
  private readonly stream: WriteStream;
  private readonly lines: string[] = [];
  private partial = "";
  private closed = false;
  private failure: Error | undefined;

  constructor(name: string, logDir: string = tmpdir()) {
    mkdirSync(logDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    this.file = join(logDir, `rerank-harness-${name.replace(/[^A-Za-z0-9_.-]+/g, "_")}-${stamp}-${process.pid}.log`);
    this.stream = createWriteStream(this.file, { flags: "a" });
    // A log we cannot write must not take the target down (the tail still works), but messages
    // that point to the file must say it was not written.
    this.stream.on("error", (err) => {
      this.failure ??= err;
    });
  }

  write(chunk: string | Buffer): void {
    if (this.closed) return;
    const text = chunk.toString();
    this.stream.write(text);
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.push(line);
  }

  /** Why the log file could not be written, if it could not. */
  get writeError(): Error | undefined {
    return this.failure;
  }

  /** Where the full output is, for messages: the file, or that it could not be written and why. */
  where(): string {
    return this.failure ? `not written (${this.file}: ${this.failure.message})` : this.file;
  }

  /** The last `n` lines (including an unterminated one). */
  tail(n = TAIL_LINES): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-n).join("\n");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // end()'s callback does not run on a stream that failed to open: wait for close instead.
    await new Promise<void>((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.once("close", () => resolve());
      this.stream.end();
    });
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
  }
}
