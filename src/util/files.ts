import { readFile } from "node:fs/promises";
import { HarnessError } from "./errors.js";

/** Why a file could not be read, in words ("no such file"), rather than a bare errno code. */
export function fileProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return e.message ?? String(err);
  }
}

/** An input file (corpus, SLO file, baseline…) that cannot be read at all: exit 2. */
export class InputFileError extends HarnessError {
  readonly code = "RH_INPUT_FILE";
  readonly kind = "usage";
}

/** Reads a text file; `where` names it in the one-line error (e.g. `--corpus FILE`). */
export async function readInputFile(file: string, where: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new InputFileError(`${where}: cannot read it: ${fileProblem(err)}`, { cause: err });
  }
}
