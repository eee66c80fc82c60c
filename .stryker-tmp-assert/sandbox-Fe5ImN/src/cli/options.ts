// @ts-nocheck
import { InvalidArgumentError, Option, type Command } from "commander";
import { DIALECT_NAMES } from "../contract/dialect.js";
import { parseDuration } from "./duration.js";

/** Flags every target-facing command shares (DESIGN.md, "The command"). */
export interface CommonOptions {
  target: string[];
  dialect?: string;
  model?: string;
  reference?: string;
  apiKeyEnv: string;
  timeout: number;
  config?: string;
}

export const DEFAULT_API_KEY_ENV = "RERANK_API_KEY";
export const DEFAULT_TIMEOUT = "30s";

export function durationArg(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
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
  const ids = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError("give one or more check ids or prefixes, comma-separated");
  return ids;
}

function collect(value: string, previous: string[]): string[] {
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
    .addOption(new Option("--dialect <name>", "wire dialect of the target").choices(DIALECT_NAMES))
    .option("--model <name>", "model name sent in requests (an embedded target answers to it)")
    .option("--reference <model>", "model the embedded target runs: bm25, tiny-bert, an HF repo id or a directory", "bm25")
    .option("--api-key-env <name>", "environment variable holding the API key (never printed)", DEFAULT_API_KEY_ENV)
    .addOption(new Option("--timeout <duration>", "per-request timeout, e.g. 500ms, 30s").argParser(durationArg).default(parseDuration(DEFAULT_TIMEOUT), DEFAULT_TIMEOUT))
    .option("--config <file>", "JSON file listing targets and their settings");
}
