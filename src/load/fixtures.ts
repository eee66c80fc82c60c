import { readFile } from "node:fs/promises";
import { packageFile } from "../util/package-root.js";
import type { TargetsFile } from "./targets.js";
import { readSloFile } from "./slo-file.js";
import type { Corpus } from "./workload.js";
import { parseCorpus } from "./corpus.js";

// The project's own fixtures, in the package folder (util/package-root.ts).

export const DEFAULT_TARGETS_SOURCE = "fixtures/targets/default.json";
export const DEFAULT_CORPUS_SOURCE = "fixtures/corpus/default.json";

export function fixturePath(relative: string): string {
  return packageFile(relative);
}

export async function loadDefaultTargets(): Promise<TargetsFile> {
  return readSloFile(fixturePath(DEFAULT_TARGETS_SOURCE), DEFAULT_TARGETS_SOURCE);
}

export async function loadDefaultCorpus(): Promise<Corpus> {
  return parseCorpus(await readFile(fixturePath(DEFAULT_CORPUS_SOURCE), "utf8"), DEFAULT_CORPUS_SOURCE);
}
