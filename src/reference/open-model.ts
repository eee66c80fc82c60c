import { readFile } from "node:fs/promises";
import { InvalidModelError } from "./errors.js";
import { resolveModelFiles, type ModelFiles, type ModelSourceOptions } from "./model-source.js";
import { PairEncoder } from "./pair-encoder.js";
import { SessionPool } from "./session-pool.js";

/** A model's files, its tokenizer and its onnxruntime session: what the reference and fidelity both run. */
export interface OpenModel {
  files: ModelFiles;
  encoder: PairEncoder;
  session: SessionPool;
}

/** Opens a model the way `--reference` names it (fixture name, local directory or Hugging Face repo id). */
export async function openModel(
  spec: string,
  opts: ModelSourceOptions & { threads?: number | undefined; replicas?: number | undefined; inline?: boolean | undefined } = {},
): Promise<OpenModel> {
  const files = await resolveModelFiles(spec, opts);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(files.configPath, "utf8")) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidModelError(`${files.configPath}: ${(err as Error).message}`, { cause: err });
  }
  const encoder = await PairEncoder.load(files.tokenizerPath, files.tokenizerConfigPath, config);
  const padId = typeof config.pad_token_id === "number" ? config.pad_token_id : 0;
  const session = await SessionPool.create(files.modelPath, {
    padId,
    ...(opts.threads ? { threads: opts.threads } : {}),
    ...(opts.replicas ? { replicas: opts.replicas } : {}),
    ...(opts.inline ? { inline: true } : {}),
  });
  return { files, encoder, session };
}
