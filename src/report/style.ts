import picocolors from "picocolors";

// Console colour, decided once per stream: on a terminal that supports it, or when FORCE_COLOR
// asks; never in a pipe or file otherwise, never with NO_COLOR. The status → label and colour
// mapping lives here only, so every report says PASS/FAIL/WARN/skip/KNOWN the same way.

export type Colors = ReturnType<typeof picocolors.createColors>;
const { createColors } = picocolors;

/** A stream as far as colour is concerned (process.stdout, or a stand-in in tests). */
interface ColourStream {
  isTTY?: boolean;
  hasColors?: (env?: Record<string, string | undefined>) => boolean;
}

/**
 * FORCE_COLOR follows Node's reading ('', 1, true, 2, 3 force colour, anything else — 0, false —
 * turns it off) and wins over NO_COLOR; NO_COLOR (any non-empty value, no-color.org) turns it
 * off; otherwise colour only on a TTY whose terminal has colours (Node checks TERM=dumb and
 * NODE_DISABLE_COLORS).
 */
export function colourEnabled(stream: ColourStream, env: Record<string, string | undefined> = process.env): boolean {
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return ["", "1", "true", "2", "3"].includes(force);
  if (env["NO_COLOR"]) return false;
  if (!stream.isTTY) return false;
  return stream.hasColors ? stream.hasColors(env) : true;
}

/** Colour functions for a stream (identity functions when it gets no colour). */
export function coloursFor(stream: ColourStream = process.stdout, env?: Record<string, string | undefined>): Colors {
  return createColors(colourEnabled(stream, env));
}

/** No colour at all: what renderers use unless the command passes its stream's colours. */
export const PLAIN: Colors = createColors(false);

type Paint = (c: Colors, text: string) => string;

/**
 * Every status a report may carry. KNOWN: a failure the upstream server is known to have (its
 * issue cited), reported but not held against the run.
 */
const STATUS = {
  pass: { label: "PASS", paint: (c, t) => c.green(t) },
  fail: { label: "FAIL", paint: (c, t) => c.bold(c.red(t)) },
  warn: { label: "WARN", paint: (c, t) => c.yellow(t) },
  skip: { label: "skip", paint: (c, t) => c.dim(t) },
  known: { label: "KNOWN", paint: (c, t) => c.cyan(t) },
} satisfies Record<string, { label: string; paint: Paint }>;

export type StyledStatus = keyof typeof STATUS;

/** The status's label, e.g. "FAIL". */
export function statusLabel(status: StyledStatus): string {
  return STATUS[status].label;
}

/** `text` (default: the status's label) in the status's colour. */
export function paintStatus(c: Colors, status: StyledStatus, text: string = STATUS[status].label): string {
  return STATUS[status].paint(c, text);
}

/** A verdict: PASS or FAIL, coloured. */
export function verdict(c: Colors, passed: boolean, text?: string): string {
  return paintStatus(c, passed ? "pass" : "fail", text ?? (passed ? "PASS" : "FAIL"));
}

/** "1 warning", "3 warnings". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
