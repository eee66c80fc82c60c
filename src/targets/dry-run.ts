import { hostGpuSupport, planContainer } from "./container.js";
import type { GpuSupport } from "./gpus.js";
import { DEFAULT_PROCESS_STARTUP_TIMEOUT_MS } from "./process.js";
import { resolveTarget } from "./resolve.js";
import type { TargetSpec } from "./spec.js";
import type { TargetContext } from "./target.js";

/**
 * What starting a target would do, as JSON, without starting anything or asking Docker. For
 * containers that is the full ContainerSpec; `--gpus auto` is decided by whether this host has
 * an NVIDIA driver loaded or the runtime hook installed (the real start asks the Docker engine).
 */
export function describeTarget(spec: TargetSpec, ctx: TargetContext, gpus: GpuSupport = hostGpuSupport()): Record<string, unknown> {
  const resolved = resolveTarget(spec, ctx);
  const common = {
    target: spec.raw,
    label: resolved.label,
    dialect: resolved.autoDialect ? "auto" : resolved.dialect.name,
    model: resolved.model,
    apiKeyEnv: resolved.apiKeyEnv,
  };
  switch (spec.kind) {
    case "container":
      return { ...common, kind: "container", nvidiaDriverOnHost: gpus.nvidiaRuntime || gpus.runtimeHook, ...planContainer(spec, ctx, resolved, gpus) };
    case "process":
      return {
        ...common,
        kind: "process",
        command: spec.command,
        url: spec.settings.url ?? (spec.settings.port ? `http://127.0.0.1:${spec.settings.port}` : "(printed by the process)"),
        healthPath: spec.settings.health ?? "/health",
        startupTimeoutMs: ctx.startupTimeoutMs ?? DEFAULT_PROCESS_STARTUP_TIMEOUT_MS,
      };
    case "url":
      return { ...common, kind: "url", url: spec.url };
    case "embedded":
      return { ...common, kind: "embedded", reference: spec.settings.reference ?? ctx.reference };
  }
}
