import { DEFAULT_API_KEY_ENV, DEFAULT_REFERENCE, DEFAULT_TIMEOUT_MS } from "../util/defaults.js";
import { parseTargetSpec, type TargetSpec } from "../targets/spec.js";
import { startTarget as startWithContext } from "../targets/start.js";
import type { StartedTarget, TargetContext } from "../targets/target.js";

/** How a target spec is resolved: the CLI's common flags, as options. All optional. */
export interface TargetOptions extends Partial<Omit<TargetContext, "log">> {
  /** Progress lines (starting a container or process…); default: none. */
  log?: (line: string) => void;
}

/** The CLI's defaults for what TargetOptions leaves out. */
export function targetContext(options: TargetOptions = {}): TargetContext {
  return {
    ...options,
    reference: options.reference ?? DEFAULT_REFERENCE,
    apiKeyEnv: options.apiKeyEnv ?? DEFAULT_API_KEY_ENV,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    log: options.log ?? (() => {}),
  };
}

/** A spec as the CLI's --target takes it (`embedded`, `http://…#dialect=tei`, `process:…`, `container:vllm`, `jina`), or parsed. */
export type TargetInput = string | TargetSpec;

export function toTargetSpec(target: TargetInput): TargetSpec {
  return typeof target === "string" ? parseTargetSpec(target) : target;
}

/**
 * Starts a target (embedded reference, process, container) or describes a URL, as `check`,
 * `load` and `compare` do. The caller must `await target.stop()`.
 */
export function startTarget(target: TargetInput = "embedded", options: TargetOptions = {}): Promise<StartedTarget> {
  return startWithContext(toTargetSpec(target), targetContext(options));
}
