import { readFile } from "node:fs/promises";
import { startEmbeddedTarget } from "./embedded.js";
import { resolveTarget } from "./resolve.js";
import { parseTargetSpec, TargetSpecError, targetsFromConfig, type TargetSpec } from "./spec.js";
import { TargetStartError, type StartedTarget, type TargetContext } from "./target.js";
import type { Dialect } from "../contract/dialect.js";

/** A dialect that cannot send a request without a model name (Cohere v2, Jina), and none given. */
export class ModelRequiredError extends TargetStartError {
  override readonly code = "RH_MODEL_REQUIRED";
  override readonly kind = "usage";
  constructor(dialect: Dialect, label: string) {
    super(`${label}: the ${dialect.title} dialect needs a model name in every request (${dialect.sources[0]})`, undefined, {
      hint: "pass --model NAME or the target setting #model=NAME",
    });
  }
}

/**
 * Starts (or, for a URL, just describes) one target, with its dialect settled: `auto` is
 * resolved here, by probing the started target, for every command (check, load, compare).
 * The caller must `stop()` it.
 */
export async function startTarget(spec: TargetSpec, ctx: TargetContext): Promise<StartedTarget> {
  const resolved = resolveTarget(spec, ctx);
  if (!resolved.autoDialect && resolved.dialect.requiresModel && resolved.model === undefined && spec.kind !== "embedded") {
    throw new ModelRequiredError(resolved.dialect, resolved.label);
  }
  const started = await startResolved(spec, ctx, resolved);
  if (!resolved.autoDialect) return started;
  try {
    return await settleAutoDialect(started, ctx);
  } catch (err) {
    await started.stop().catch(() => {});
    throw err;
  }
}

/** `--dialect auto`: probes the started target and names its dialect, and why (one log line). */
async function settleAutoDialect(started: StartedTarget, ctx: TargetContext): Promise<StartedTarget> {
  const { detectDialect, describeDetection } = await import("./detect-dialect.js");
  const { getDialect } = await import("../contract/registry.js");
  const found = await detectDialect({ baseUrl: started.baseUrl, apiKey: started.apiKey, model: started.model, timeoutMs: ctx.timeoutMs });
  if (!found.dialect) {
    const needsModel = started.model === undefined && found.reasons.some((r) => /\b4\d\d\b/.test(r)) ? "; some dialects need --model NAME" : "";
    throw new TargetStartError(
      `--dialect auto: ${started.label} (${started.baseUrl}) answered no probe as a rerank API${needsModel}: ${found.reasons.slice(0, 4).join("; ") || "nothing answered"}`,
    );
  }
  const dialect = getDialect(found.dialect);
  ctx.log(`dialect auto: ${started.label} speaks ${describeDetection(found)}`);
  if (dialect.requiresModel && started.model === undefined) throw new ModelRequiredError(dialect, started.label);
  return { ...started, dialect };
}

async function startResolved(spec: TargetSpec, ctx: TargetContext, resolved: ReturnType<typeof resolveTarget>): Promise<StartedTarget> {
  switch (spec.kind) {
    case "embedded":
      return startEmbeddedTarget(spec, ctx, resolved);
    case "url":
      return { ...resolved, baseUrl: spec.url, stop: async () => {} };
    case "container": {
      const { startContainerTarget } = await import("./container.js");
      return startContainerTarget(spec, ctx, resolved);
    }
    case "process": {
      const { startProcessTarget } = await import("./process.js");
      return startProcessTarget(spec, ctx, resolved);
    }
  }
}

/** The targets a command runs against: --config entries, then --target flags; `embedded` if none. */
export async function targetSpecsFromOptions(options: { target: string[]; config?: string }): Promise<TargetSpec[]> {
  const specs: TargetSpec[] = [];
  if (options.config) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(options.config, "utf8"));
    } catch (err) {
      throw new TargetSpecError(`--config ${options.config}: ${(err as Error).message}`);
    }
    specs.push(...targetsFromConfig(json, options.config));
  }
  specs.push(...options.target.map((raw) => parseTargetSpec(raw)));
  return specs.length > 0 ? specs : [parseTargetSpec("embedded")];
}
