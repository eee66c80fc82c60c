import picocolors from "picocolors";
import { STATUS_DISPLAY, type CheckStatus } from "../checks/status.js";

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

/** Each status's colour; its label and counted form come from the one status table. */
const PAINT: Record<CheckStatus, Paint> = {
  pass: (c, t) => c.green(t),
  fail: (c, t) => c.bold(c.red(t)),
  warn: (c, t) => c.yellow(t),
  skip: (c, t) => c.dim(t),
  // A failure the upstream server is known to have (its source cited): reported, not held against the run.
  known: (c, t) => c.cyan(t),
  // Listed as a known fault but passed: the list is out of date.
  xpass: (c, t) => c.magenta(t),
};

export type StyledStatus = CheckStatus;

/** The status's label, e.g. "FAIL". */
export function statusLabel(status: StyledStatus): string {
  return STATUS_DISPLAY[status].label;
}

/** `text` (default: the status's label) in the status's colour. */
export function paintStatus(c: Colors, status: StyledStatus, text: string = statusLabel(status)): string {
  return PAINT[status](c, text);
}

/** A verdict: PASS or FAIL, coloured. */
export function verdict(c: Colors, passed: boolean, text?: string): string {
  return paintStatus(c, passed ? "pass" : "fail", text ?? (passed ? "PASS" : "FAIL"));
}

/** "1 warning", "3 warnings". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
