import { z } from "zod";
import { HarnessError } from "../util/errors.js";

// Latency/throughput targets per documents-per-request scenario. Kept free of Node APIs:
// the k6 bundles import this module too.

export const ScenarioTarget = z.strictObject({
  /** Documents per request. */
  docs: z.number().int().positive(),
  /** Offered rate, requests per second. */
  rps: z.number().positive(),
  /** p95 latency must stay at or under this. */
  p95_ms: z.number().positive(),
});
export type ScenarioTarget = z.infer<typeof ScenarioTarget>;

export const TargetsFile = z.strictObject({
  $schema: z.string().optional(),
  /** Where the figures come from. */
  source: z.string(),
  model: z.string().optional(),
  hardware: z.string().optional(),
  /** A scenario passes only if it achieves at least (1 - tolerance) × rps. */
  achieved_rate_tolerance: z.number().min(0).max(1).default(0.05),
  scenarios: z.array(ScenarioTarget).min(1),
});
export type TargetsFile = z.infer<typeof TargetsFile>;

export class TargetsFileError extends HarnessError {
  readonly code = "RH_SLO_FILE";
  readonly kind = "usage";
}

/** Validates a parsed targets file; `where` names it in errors. */
export function parseTargets(json: unknown, where: string): TargetsFile {
  const parsed = TargetsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TargetsFileError(`${where}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const seen = new Set<number>();
  for (const s of parsed.data.scenarios) {
    if (seen.has(s.docs)) throw new TargetsFileError(`${where}: two scenarios for ${s.docs} documents`);
    seen.add(s.docs);
  }
  return parsed.data;
}

/** The target for a documents-per-request count, if the file has one. */
export function targetFor(targets: TargetsFile, docs: number): ScenarioTarget | undefined {
  return targets.scenarios.find((s) => s.docs === docs);
}

/** The minimum achieved rate that still passes. */
export function minAchievedRps(targets: TargetsFile, scenario: ScenarioTarget): number {
  return scenario.rps * (1 - targets.achieved_rate_tolerance);
}
