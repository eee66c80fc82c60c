// @ts-nocheck
import { readFile } from "node:fs/promises";
import { startEmbeddedTarget } from "./embedded.js";
import { resolveTarget } from "./resolve.js";
import { parseTargetSpec, TargetSpecError, targetsFromConfig, type TargetSpec } from "./spec.js";
import type { StartedTarget, TargetContext } from "./target.js";

/** Starts (or, for a URL, just describes) one target. The caller must `stop()` it. */
export async function startTarget(spec: TargetSpec, ctx: TargetContext): Promise<StartedTarget> {
  const resolved = resolveTarget(spec, ctx);
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
