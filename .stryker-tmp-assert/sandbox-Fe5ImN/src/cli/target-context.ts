// @ts-nocheck
import { containerContext, type ContainerOptions } from "./container-options.js";
import type { CommonOptions } from "./options.js";
import type { TargetContext } from "../targets/target.js";

/** The defaults every target spec of a command is resolved against, from its flags. */
export function targetContextFrom(flags: CommonOptions & ContainerOptions, log: (line: string) => void): TargetContext {
  return {
    dialect: flags.dialect,
    model: flags.model,
    reference: flags.reference ?? "bm25",
    apiKeyEnv: flags.apiKeyEnv,
    timeoutMs: flags.timeout,
    log,
    ...containerContext(flags),
  };
}
