import type { Dialect } from "../contract/dialect.js";

/** A target that answers HTTP: where it is, how to talk to it, and how to stop it. */
export interface StartedTarget {
  /** Label for reports. */
  label: string;
  baseUrl: string;
  dialect: Dialect;
  /** The model name sent in requests (undefined leaves it out where the dialect allows). */
  model?: string;
  /** The API key's value (from the environment); never printed. */
  apiKey?: string;
  /** Name of the variable the key came from, for messages. */
  apiKeyEnv: string;
  /** Set when the model is known to rank at random (the built-in tiny-bert): why relevance checks are skipped. */
  randomRanking?: string;
  /** Where the target's own output went (process/container logs), if anywhere. */
  logFile?: string;
  stop(): Promise<void>;
}

/** The command-level defaults a target spec is resolved against. */
export interface TargetContext {
  dialect?: string;
  model?: string;
  reference: string;
  apiKeyEnv: string;
  timeoutMs: number;
  /** Progress lines ("starting container…"); stderr in the CLI. */
  log: (line: string) => void;
  /** Container targets (per-target settings win): image, the model it loads, GPUs (all | 0,1 | none). */
  image?: string;
  servedModel?: string;
  gpus?: string;
  /** Host folder mounted as the containers' Hugging Face cache (default $HF_HOME or ~/.cache/huggingface). */
  cacheDir?: string;
  /** Where container and process output is written (default: the system temp folder). */
  logDir?: string;
  /** How long a container or process may take to become healthy (defaults: 15 min, 120 s). */
  startupTimeoutMs?: number;
  /** The host address container ports are published on (default 127.0.0.1). */
  publishHost?: string;
}

// Defined in util/ so that the layers below targets/ (the reference, util/optional-deps) can
// throw it too; re-exported here, where callers look for it.
export { TargetStartError } from "../util/target-start-error.js";
