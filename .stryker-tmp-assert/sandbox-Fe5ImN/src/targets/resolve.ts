// @ts-nocheck
import { getDialect } from "../contract/registry.js";
import type { Dialect } from "../contract/dialect.js";
import { readApiKey } from "../client/secrets.js";
import { CONTAINER_DIALECTS, type TargetSpec } from "./spec.js";
import type { TargetContext } from "./target.js";

/** What every kind of target shares once its settings are merged with the command's flags. */
export interface ResolvedTarget {
  label: string;
  dialect: Dialect;
  model?: string;
  apiKeyEnv: string;
  apiKey?: string;
}

/** Per-target settings win over the command's flags, which win over the kind's defaults. */
export function resolveTarget(spec: TargetSpec, ctx: TargetContext): ResolvedTarget {
  const s = spec.settings;
  const kindDialect = spec.kind === "container" ? CONTAINER_DIALECTS[spec.container] : undefined;
  const apiKeyEnv = s["key-env"] ?? ctx.apiKeyEnv;
  return {
    label: s.name ?? spec.raw.split("#")[0]!.trim() ?? "embedded",
    dialect: getDialect(s.dialect ?? ctx.dialect ?? kindDialect ?? "vllm"),
    model: s.model ?? ctx.model,
    apiKeyEnv,
    apiKey: readApiKey(apiKeyEnv),
  };
}
