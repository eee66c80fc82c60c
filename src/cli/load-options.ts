import { InvalidArgumentError, type Command } from "commander";
import { FIND_MAX_DEFAULT_BUDGET_MS, LoadOptionsError, type LoadOptions } from "../load/options.js";
import { MixError, parseMix, type MixComponent } from "../load/mix.js";
import { UsageError } from "../util/errors.js";
import { addSloOption, durationOption, intArg, intListArg, numberArg, sloFileFrom, type SloFlags } from "./options.js";

// The load flags `load` and `compare` share (the workload, --slo, find-max) and the one place
// they become LoadOptions, checked before any target starts (a container may take minutes).

export interface WorkloadFlags extends SloFlags {
  docs?: number[];
  rate?: number;
  duration: number;
  warmup: number;
  seed: number;
  findMax?: boolean;
  maxRate?: number;
  findMaxBudget?: number;
}

/** Comma-separated positive numbers, e.g. `--ramp 50,100,200`. */
export function rateListArg(value: string): number[] {
  return value.split(",").map((item) => {
    const n = Number(item.trim());
    if (item.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${item}" in "${value}" is not a positive rate`);
    return n;
  });
}

/** `MEAN` or `MEAN:SPREAD` in tokens, e.g. `64:16`. */
export function lengthArg(value: string): { mean: number; spread: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?)\s*)?$/.exec(value);
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError(`"${value}" is not MEAN or MEAN:SPREAD in tokens (e.g. 64:16)`);
  return { mean: Number(m[1]), spread: m[2] === undefined ? 0 : Number(m[2]) };
}

/** How a token length shows as a default in --help. */
export function lengthLabel(length: { mean: number; spread: number }): string {
  return `${length.mean}:${length.spread}`;
}

export function workersArg(value: string): number | "auto" {
  return value === "auto" ? "auto" : intArg(1)(value);
}

/** `--mix 10:0.6,50:0.3,100:0.1`: documents counts with weights. */
export function mixArg(value: string): MixComponent[] {
  try {
    return parseMix(value);
  } catch (err) {
    if (err instanceof MixError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

export function fractionArg(value: string): number {
  const n = numberArg(0)(value);
  if (n > 1) throw new InvalidArgumentError("must be a fraction between 0 and 1");
  return n;
}

/** --docs, --duration, --warmup, --seed and --slo, with the command's own defaults and words. */
export function addWorkloadOptions(
  cmd: Command,
  defaults: { durationMs: number; warmupMs: number; seed: number },
  help: { docs: string; duration: string; seed: string; slo: string },
): Command {
  cmd
    .option("--docs <list>", help.docs, intListArg)
    .addOption(durationOption("--duration <duration>", help.duration, defaults.durationMs))
    .addOption(durationOption("--warmup <duration>", "unmeasured lead-in before each scenario", defaults.warmupMs))
    .option("--seed <n>", help.seed, intArg(0), defaults.seed);
  return addSloOption(cmd, help.slo);
}

/** --find-max, --max-rate and --find-max-budget. */
export function addFindMaxOptions(cmd: Command, help: { findMax: string; maxRate: string; budget: string }): Command {
  return cmd
    .option("--find-max", help.findMax)
    .option("--max-rate <rps>", help.maxRate, numberArg(0.001))
    .addOption(durationOption("--find-max-budget <duration>", `${help.budget} (default: ${FIND_MAX_DEFAULT_BUDGET_MS / 60_000}m)`));
}

/**
 * The workload `load` and `compare` run, from their shared flags: the SLO file read (the one
 * reader, load/slo-file.ts) and the whole plan checked against it before any target starts.
 */
export async function workloadFrom(flags: WorkloadFlags, warn: (line: string) => void, check = true): Promise<LoadOptions> {
  if ((flags.maxRate !== undefined || flags.findMaxBudget !== undefined) && !flags.findMax) {
    throw new UsageError("--max-rate and --find-max-budget go with --find-max");
  }
  const slo = sloFileFrom(flags, warn);
  const { readSloFile } = await import("../load/slo-file.js");
  const targets = slo && (await readSloFile(slo.file, `${slo.flag} ${slo.file}`));
  const options: LoadOptions = {
    ...(flags.docs ? { docs: flags.docs } : {}),
    ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
    durationMs: flags.duration,
    warmupMs: flags.warmup,
    seed: flags.seed,
    ...(flags.findMax
      ? {
          findMax: {
            ...(flags.findMaxBudget !== undefined ? { budgetMs: flags.findMaxBudget } : {}),
            ...(flags.maxRate !== undefined ? { maxRate: flags.maxRate } : {}),
          },
        }
      : {}),
    ...(slo && targets ? { targets, targetsSource: slo.file } : {}),
  };
  if (check) await checkRunnable(options);
  return options;
}

/** Refuses options that cannot run, in the words of the flags. */
export async function checkRunnable(options: LoadOptions): Promise<void> {
  if (options.durationMs !== undefined && options.durationMs <= 0) throw new LoadOptionsError("--duration must be more than 0");
  const { parseLoadSettings } = await import("../load/options.js");
  const { planScenarios } = await import("../load/plan.js");
  const { loadDefaultTargets } = await import("../load/fixtures.js");
  planScenarios(parseLoadSettings(options), options.targets ?? (await loadDefaultTargets()));
}
