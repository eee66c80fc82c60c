import { stat } from "node:fs/promises";
import { DatasetError, type Dataset, type DatasetOptions } from "./dataset-types.js";

export { DatasetError, DEFAULT_CANDIDATES, type Dataset, type DatasetOptions, type QualityQuery } from "./dataset-types.js";
export { querySeed, shuffle } from "./seeds.js";

/** A directory is a BEIR folder; a file is an MTEB reranking JSONL file. Reads and validates it all. */
export async function openDataset(path: string, options: DatasetOptions = {}): Promise<Dataset> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new DatasetError(path, undefined, `cannot read it (${err.code ?? err.message})`);
  });
  if (info.isDirectory()) return (await import("./beir.js")).openBeir(path, options);
  return (await import("./mteb.js")).openMteb(path, options);
}
