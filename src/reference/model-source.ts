import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ModelNotFoundError } from "./errors.js";
import { fixtureModelDir, isFixtureName } from "./fixtures.js";
import { HubRepo, type HubOptions } from "./hub.js";
import { DTYPE_SUFFIX, type ModelDtype } from "./defaults.js";

export { DTYPE_SUFFIX, type ModelDtype };

export interface ModelSourceOptions extends HubOptions {
  dtype?: ModelDtype;
}

/** Where a model's files are on disk, whatever the spec was. */
export interface ModelFiles {
  dir: string;
  modelPath: string;
  configPath: string;
  tokenizerPath: string;
  /** Absent in some repos; the loader then uses defaults. */
  tokenizerConfigPath: string | undefined;
}

const REPO_ID_RE = /^[A-Za-z0-9][\w.-]*\/[\w.-]+(@[\w./-]+)?$/;

/**
 * Resolves `bm25` / `tiny-bert` (built fixtures), a local directory in HF layout, or a Hugging Face
 * repo id (optionally `org/name@revision`, downloaded once into the HF cache) to files on disk.
 */
export async function resolveModelFiles(spec: string, opts: ModelSourceOptions = {}): Promise<ModelFiles> {
  const candidates = modelCandidates(opts.dtype ?? "fp32");
  if (isFixtureName(spec)) return fromDirectory(await fixtureModelDir(spec), candidates, spec);
  const path = resolve(spec.startsWith("~/") ? join(homedir(), spec.slice(2)) : spec);
  if (await isDir(path)) return fromDirectory(path, candidates, spec);
  if (isRepoId(spec)) return fromHub(spec, candidates, opts);
  throw new ModelNotFoundError(`Unknown model "${spec}": not a built-in fixture (bm25, tiny-bert), not a directory, not a Hugging Face repo id (org/name).`);
}

/** `org/name` or `org/name@revision`, with no path tricks (`..`) that could escape the cache or URL. */
function isRepoId(spec: string): boolean {
  return REPO_ID_RE.test(spec) && !spec.split(/[/@]/).some((part) => part === "." || part === ".." || part.includes(".."));
}

function modelCandidates(dtype: ModelDtype): string[] {
  const suffix = DTYPE_SUFFIX[dtype];
  return [`onnx/model${suffix}.onnx`, `model${suffix}.onnx`];
}

async function fromDirectory(dir: string, candidates: string[], spec: string): Promise<ModelFiles> {
  const missing = (what: string) => new ModelNotFoundError(`Model directory ${dir} (from "${spec}") has no ${what}; expected Hugging Face layout.`);
  let modelPath: string | undefined;
  for (const c of candidates) {
    if (await isFile(join(dir, c))) {
      modelPath = join(dir, c);
      break;
    }
  }
  if (!modelPath) throw missing(candidates.join(" or "));
  for (const f of ["config.json", "tokenizer.json"]) if (!(await isFile(join(dir, f)))) throw missing(f);
  const tokenizerConfig = join(dir, "tokenizer_config.json");
  return {
    dir,
    modelPath,
    configPath: join(dir, "config.json"),
    tokenizerPath: join(dir, "tokenizer.json"),
    tokenizerConfigPath: (await isFile(tokenizerConfig)) ? tokenizerConfig : undefined,
  };
}

async function fromHub(spec: string, candidates: string[], opts: ModelSourceOptions): Promise<ModelFiles> {
  const [repoId, revision] = spec.split("@") as [string, string | undefined];
  const repo = new HubRepo(repoId, { ...opts, revision: revision ?? opts.revision });
  // Downloaded once: a complete snapshot in the cache is used without touching the network.
  const cached = await repo.cachedSnapshot();
  if (cached && (await isDir(cached))) {
    const files = await fromDirectory(cached, candidates, spec).catch(() => undefined);
    if (files) return files;
  }
  const configPath = (await repo.file("config.json", { required: true }))!;
  const tokenizerPath = await repo.file("tokenizer.json", { required: true });
  if (!tokenizerPath) throw new ModelNotFoundError(`${repoId} has no tokenizer.json (only fast tokenizers are supported).`);
  const tokenizerConfigPath = await repo.file("tokenizer_config.json", { required: false });
  let modelPath: string | undefined;
  for (const c of candidates) {
    modelPath = await repo.file(c, { required: false });
    if (modelPath) {
      // Large models keep weights in an external-data file next to the graph.
      await repo.file(`${c}_data`, { required: false });
      break;
    }
  }
  if (!modelPath) {
    throw new ModelNotFoundError(
      `${repoId}@${repo.revision} has no ONNX weights (${candidates.join(", ")})${repo.offline ? " in the cache" : ""}; ` +
        "export one with optimum (`optimum-cli export onnx`) or pick a repo that ships onnx/model.onnx.",
    );
  }
  return { dir: dirOf(configPath), modelPath, configPath, tokenizerPath, tokenizerConfigPath };
}

function dirOf(path: string): string {
  return resolve(path, "..");
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
