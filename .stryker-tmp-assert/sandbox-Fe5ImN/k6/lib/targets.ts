// @ts-nocheck
import defaultTargets from "../../fixtures/targets/default.json" with { type: "json" };
import { parseTargets, type TargetsFile } from "../../src/load/targets.js";

// The targets file the load thresholds come from: the same one `rerank-harness load` reads.
// The default is inlined at bundle time; TARGETS names another file, read with k6's open().

export interface LoadedTargets {
  targets: TargetsFile;
  /** "default" or the TARGETS path, for the summary. */
  from: string;
}

/** `read` is k6's open(), which only works in init context; the k6 scripts pass it in. */
export function loadTargets(path: string | undefined, read: (path: string) => string): LoadedTargets {
  if (!path) return { targets: parseTargets(defaultTargets, "fixtures/targets/default.json"), from: "default" };
  let json: unknown;
  try {
    json = JSON.parse(read(path));
  } catch (err) {
    throw new Error(`TARGETS ${path}: ${(err as Error).message}`);
  }
  return { targets: parseTargets(json, `TARGETS ${path}`), from: path };
}
