import cliProgress from "cli-progress";

// Progress through a data set on stderr: a cli-progress bar on a terminal, a plain line every
// few seconds otherwise (CI logs would fill with redraws).

export interface QualityProgress {
  update(done: number): void;
  done(): void;
}

const PLAIN_EVERY_MS = 10_000;

export function createQualityProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): QualityProgress {
  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} |{bar}| {value}/{total} queries | {percentage}% | eta {eta_formatted}`, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), done: () => bar.stop() };
  }
  let last = now();
  return {
    update(done) {
      if (now() - last < PLAIN_EVERY_MS && done < total) return;
      last = now();
      stream.write(`${label}: ${done}/${total} queries (${Math.round((100 * done) / Math.max(1, total))}%)\n`);
    },
    done() {},
  };
}
