import { readFileSync } from "node:fs";
import { z } from "zod";
import { packageFile } from "./package-root.js";

// fixtures/relevance.json: labelled sets that the preflight (targets/), the checks and compare
// all send, so they live in this leaf.

/** A query, its documents, and which one is relevant (fixtures/relevance.json). */
export const LabelledSet = z.object({
  id: z.string(),
  query: z.string(),
  documents: z.array(z.string()).min(2),
  relevant: z.number().int().nonnegative(),
});
export type LabelledSet = z.infer<typeof LabelledSet>;

const RelevanceFile = z.object({ description: z.string().optional(), sets: z.array(LabelledSet).min(1) });

let cached: LabelledSet[] | undefined;

export function relevanceSets(): LabelledSet[] {
  cached ??= RelevanceFile.parse(JSON.parse(readFileSync(packageFile("fixtures/relevance.json"), "utf8"))).sets;
  return cached;
}

/** The seed's example (vllm#20794: "capital of France" must rank the Paris document first). */
export function seedSet(): LabelledSet {
  const seed = relevanceSets().find((s) => s.id === "seed-france");
  if (!seed) throw new Error("fixtures/relevance.json has no 'seed-france' set");
  return seed;
}
