import type { ResolvedTarget } from "./resolve.js";
import type { StartedTarget, TargetContext } from "./target.js";
import { TargetStartError } from "./target.js";
import type { TargetSpec } from "./spec.js";

/** Built-in models whose ranking is random by design: relevance checks are skipped for them, with this reason. */
const RANDOM_RANKING: Record<string, string> = {
  "tiny-bert": "the embedded tiny-bert has seeded random weights (for transformer compute, not ranking): relevance cannot pass",
};

/** The reference reranker in this process on a free port; it answers to the requested model name. */
export async function startEmbeddedTarget(spec: TargetSpec, ctx: TargetContext, resolved: ResolvedTarget): Promise<StartedTarget> {
  const reference = spec.settings.reference ?? ctx.reference;
  const { startReferenceServer } = await import("../reference/server.js");
  try {
    const server = await startReferenceServer({
      model: reference,
      servedModelName: resolved.model,
      host: "127.0.0.1",
      port: 0,
      apiKey: resolved.apiKey,
    });
    return {
      ...resolved,
      label: spec.settings.name ?? `embedded (${reference})`,
      baseUrl: server.url,
      model: resolved.model ?? server.modelName,
      ...(RANDOM_RANKING[reference] ? { randomRanking: RANDOM_RANKING[reference] } : {}),
      stop: () => server.close(),
    };
  } catch (err) {
    throw new TargetStartError(`embedded reference "${reference}" could not start: ${(err as Error).message}`, undefined, { cause: err });
  }
}
