import { InvalidArgumentError, type Command } from "commander";
import { parseGpus } from "../targets/gpus.js";
import type { TargetSpec } from "../targets/spec.js";
import type { TargetContext } from "../targets/target.js";
import { durationArg } from "./options.js";

/** Flags for targets the harness starts itself (containers, processes). */
export interface ContainerOptions {
  image?: string;
  servedModel?: string;
  gpus?: string;
  cacheDir?: string;
  logDir?: string;
  startupTimeout?: number;
  publishHost?: string;
  dryRun?: boolean;
}

function gpusArg(value: string): string {
  try {
    parseGpus(value);
    return value;
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Adds --image, --served-model, --gpus, --publish-host, --cache-dir, --log-dir, --startup-timeout and --dry-run. */
export function addContainerOptions(cmd: Command): Command {
  return cmd
    .option("--image <image>", "container targets: the image to run (default per server; CPU or CUDA build by the host)")
    .option("--served-model <model>", "container targets: the model the container loads (default BAAI/bge-reranker-base)")
    .option(
      "--gpus <gpus>",
      "container targets: auto (GPUs when the engine can give them), all, none, ids such as 0,1 or GPU-<uuid>, or CDI names such as nvidia.com/gpu=all",
      gpusArg,
    )
    .option("--publish-host <address>", "container targets: the host address their port is published on (default 127.0.0.1; 0.0.0.0 exposes it to the network)")
    .option("--cache-dir <dir>", "container targets: host Hugging Face cache mounted into the container (default $HF_HOME or ~/.cache/huggingface)")
    .option("--log-dir <dir>", "where container and process targets' output is written (default: the system temp folder)")
    .option("--startup-timeout <duration>", "how long a container or process target may take to become healthy (default 15m, 120s)", durationArg)
    .option("--dry-run", "print what each target would start (container spec JSON) and exit without starting anything");
}

/** The TargetContext fields these flags set; spread into the command's context. */
export function containerContext(options: ContainerOptions): Partial<TargetContext> {
  const out: Partial<TargetContext> = {};
  if (options.image) out.image = options.image;
  if (options.servedModel) out.servedModel = options.servedModel;
  if (options.gpus) out.gpus = options.gpus;
  if (options.cacheDir) out.cacheDir = options.cacheDir;
  if (options.logDir) out.logDir = options.logDir;
  if (options.startupTimeout !== undefined) out.startupTimeoutMs = options.startupTimeout;
  if (options.publishHost) out.publishHost = options.publishHost;
  return out;
}

/**
 * With --dry-run: prints each target's plan as JSON (one object for one target, an array for
 * several) and returns true, so the command exits 0 without Docker or any server.
 */
export async function maybeDryRun(
  specs: TargetSpec[],
  ctx: TargetContext,
  options: { dryRun?: boolean },
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<boolean> {
  if (!options.dryRun) return false;
  const { describeTarget } = await import("../targets/dry-run.js");
  const plans = specs.map((spec) => describeTarget(spec, ctx));
  write(`${JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2)}\n`);
  return true;
}
