// @ts-nocheck
import { formatProgress, type LoadProgress } from "../load/progress.js";

// The live progress of a load run on stderr: one line rewritten in place on a terminal, plain
// lines every few seconds otherwise (CI logs).

const PLAIN_EVERY_S = 5;

export interface ProgressPrinter {
  update(p: LoadProgress): void;
  /** Ends the live line (before a scenario's summary or the final table). */
  done(): void;
}

export function createProgressPrinter(stream: NodeJS.WriteStream = process.stderr): ProgressPrinter {
  const tty = stream.isTTY === true;
  let live = false;
  let lastPlain = new Map<string, number>();
  return {
    update(p) {
      const line = formatProgress(p);
      if (tty) {
        const width = Math.max(20, (stream.columns || 120) - 1);
        stream.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
        live = true;
        return;
      }
      const last = lastPlain.get(p.scenario) ?? -Infinity;
      if (p.elapsed_s - last >= PLAIN_EVERY_S) {
        lastPlain.set(p.scenario, p.elapsed_s);
        stream.write(`${line}\n`);
      }
    },
    done() {
      if (live) stream.write("\r\x1b[K");
      live = false;
      lastPlain = new Map();
    },
  };
}
