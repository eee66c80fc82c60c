import { InvalidArgumentError, Option, type Command } from "commander";
import { DIALECT_CHOICES } from "../contract/dialect.js";
import { DEFAULT_API_KEY_ENV, DEFAULT_REFERENCE, DEFAULT_TIMEOUT_MS } from "../util/defaults.js";
import { formatDuration, parseDuration } from "../util/duration.js";
import { UsageError } from "../util/errors.js";

// The one options layer of the CLI: each flag's parser, and the flags several commands share,
// with their defaults read from the domain's constants (util/defaults, load/options, …), never
// restated here.

/** Flags every target-facing command shares (README, "Commands"). */
export interface CommonOptions {
  target: string[];
  dialect?: string;
  model?: string;
  reference?: string;
  apiKeyEnv: string;
  timeout: number;
  config?: string;
}

export { DEFAULT_API_KEY_ENV };
/** @deprecated the --timeout default as text; use DEFAULT_TIMEOUT_MS from util/defaults. */
export const DEFAULT_TIMEOUT = formatDuration(DEFAULT_TIMEOUT_MS);

export function durationArg(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** A duration flag (`500ms`, `2m`…) whose default, in ms, shows in --help as a duration. */
export function durationOption(flags: string, description: string, defaultMs?: number): Option {
  const option = new Option(flags, description).argParser(durationArg);
  return defaultMs === undefined ? option : option.default(defaultMs, durationLabel(defaultMs));
}

/** `10m` rather than formatDuration's `10m0s`: how a person writes a default. */
function durationLabel(ms: number): string {
  return formatDuration(ms).replace(/m0s$/, "m");
}

export function intArg(min: number): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not an integer`);
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`must be at least ${min}`);
    return n;
  };
}

export function numberArg(min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number`);
    if (n < min) throw new InvalidArgumentError(`must be at least ${min}`);
    return n;
  };
}

/** Comma-separated positive integers, e.g. `--docs 10,50,100`. */
export function intListArg(value: string): number[] {
  const items = value.split(",").map((s) => s.trim());
  return items.map((item) => {
    if (!/^\d+$/.test(item) || Number(item) < 1) throw new InvalidArgumentError(`"${item}" in "${value}" is not a positive integer`);
    return Number(item);
  });
}

/** Comma-separated check ids or id prefixes, e.g. `--only sort.,errors.malformed_json`. */
export function idListArg(value: string): string[] {
  const ids = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError("give one or more check ids or prefixes, comma-separated");
  return ids;
}

/** For repeatable flags (`--target`, `--price`): each use appends. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addCommonOptions(cmd: Command, { repeatableTarget = false } = {}): Command {
  return cmd
    .option(
      "--target <spec>",
      repeatableTarget
        ? "a target (repeat for each): embedded, http(s)://…, container:vllm|tei|infinity, process:<cmd>, jina, cohere; settings after '#'"
        : "embedded (default), http(s)://…, container:vllm|tei|infinity, process:<cmd>, jina, cohere; settings after '#'",
      collect,
      [],
    )
    .addOption(new Option("--dialect <name>", "wire dialect of the target; auto: probe the target and say which").choices(DIALECT_CHOICES))
    .option("--model <name>", "model name sent in requests (an embedded target answers to it)")
    .option("--reference <model>", "model the embedded target runs: bm25, tiny-bert, an HF repo id or a directory", DEFAULT_REFERENCE)
    .option("--api-key-env <name>", "environment variable holding the API key (never printed)", DEFAULT_API_KEY_ENV)
    .addOption(durationOption("--timeout <duration>", "per-request timeout, e.g. 500ms, 30s", DEFAULT_TIMEOUT_MS))
    .option("--config <file>", "JSON file listing targets and their settings");
}

/** The SLO file flag: `--slo FILE`, and `--targets FILE`, its deprecated alias (hidden from --help). */
export interface SloFlags {
  slo?: string;
  /** @deprecated alias of `slo`. */
  targets?: string;
}

/** Adds `--slo FILE` and its deprecated alias `--targets FILE`. */
export function addSloOption(cmd: Command, description: string): Command {
  return cmd.option("--slo <file>", description).addOption(new Option("--targets <file>", "deprecated alias of --slo").hideHelp());
}

/**
 * The SLO file a command was given, if any, and the flag that named it (for its errors).
 * `--targets` still works but prints a one-line warning; both at once is a usage error.
 */
export function sloFileFrom(flags: SloFlags, warn: (line: string) => void): { file: string; flag: "--slo" | "--targets" } | undefined {
  if (flags.targets === undefined) return flags.slo === undefined ? undefined : { file: flags.slo, flag: "--slo" };
  if (flags.slo !== undefined) throw new UsageError("--targets is the old name of --slo: give one of them");
  warn("warning: --targets is deprecated and will be removed: use --slo (the same file)");
  return { file: flags.targets, flag: "--targets" };
}
