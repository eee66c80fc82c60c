import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TargetsFile } from "./targets.js";
import { readSloFile } from "./slo-file.js";
import type { Corpus } from "./workload.js";
import { parseCorpus } from "./corpus.js";

// The project's own fixtures, found from this module whether it runs from src/ (tsx, vitest)
// or dist/src/ (the built CLI).

export const DEFAULT_TARGETS_SOURCE = "fixtures/targets/default.json";
export const DEFAULT_CORPUS_SOURCE = "fixtures/corpus/default.json";

export function fixturePath(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`fixture ${relative} not found above ${dirname(fileURLToPath(import.meta.url))}`);
}

export async function loadDefaultTargets(): Promise<TargetsFile> {
  return readSloFile(fixturePath(DEFAULT_TARGETS_SOURCE), DEFAULT_TARGETS_SOURCE);
}

export async function loadDefaultCorpus(): Promise<Corpus> {
  return parseCorpus(await readFile(fixturePath(DEFAULT_CORPUS_SOURCE), "utf8"), DEFAULT_CORPUS_SOURCE);
}
