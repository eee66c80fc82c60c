import { readInputFile } from "../util/files.js";
import { parseTargets, TargetsFileError, type TargetsFile } from "./targets.js";

/**
 * Reads and validates an SLO file (latency/throughput targets per documents count): the one place
 * such a file is read, for `load --slo`, `compare --slo` and the built-in default. `where` names
 * it in the one-line error (a TargetsFileError or InputFileError, both exit 2).
 */
export async function readSloFile(file: string, where: string = file): Promise<TargetsFile> {
  const text = await readInputFile(file, where);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TargetsFileError(`${where}: ${(err as Error).message}`);
  }
  return parseTargets(json, where);
}
