import { targetContext } from "../api/targets.js";
import { containerContext, type ContainerOptions } from "./container-options.js";
import type { CommonOptions } from "./options.js";
import type { TargetContext } from "../targets/target.js";

/** The defaults every target spec of a command is resolved against, from its flags (the library's own defaults fill the rest). */
export function targetContextFrom(flags: CommonOptions & ContainerOptions, log: (line: string) => void): TargetContext {
  const { dialect, model, reference, apiKeyEnv, timeout } = flags;
  return targetContext({ dialect, model, reference, apiKeyEnv, timeoutMs: timeout, log, ...containerContext(flags) });
}
