import { mkdir, readFile, rename, rm, writeFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { buildBm25Graph } from "./fixtures/bm25.js";
import { bertConfig, bertTokenizerConfig, bertTokenizerJson, SPECIAL_TOKENS_MAP } from "./fixtures/hf-files.js";
import { buildTinyBertGraph } from "./fixtures/tiny-bert.js";
import { buildTinyBertGguf } from "./fixtures/tiny-bert-gguf.js";
import { loadBertVocab, vocabText } from "./fixtures/vocab.js";

export const FIXTURE_NAMES = ["bm25", "tiny-bert"] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** Bump whenever a builder's output changes: it keys the on-disk cache. */
export const FIXTURE_BUILD_VERSION = "1";

export function isFixtureName(name: string): name is FixtureName {
  return (FIXTURE_NAMES as readonly string[]).includes(name);
}

/** `$RERANK_HARNESS_CACHE`, else `$XDG_CACHE_HOME/rerank-harness`, else `~/.cache/rerank-harness`. */
export function harnessCacheDir(): string {
  const env = process.env;
  if (env.RERANK_HARNESS_CACHE) return env.RERANK_HARNESS_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "rerank-harness");
}

/** Writes one fixture model in HF layout into `dir` (which must exist). */
async function writeFixture(name: FixtureName, dir: string): Promise<void> {
  const vocab = await loadBertVocab();
  const json = (value: object) => JSON.stringify(value, null, 2) + "\n";
  const graph = name === "bm25" ? buildBm25Graph(vocab, FIXTURE_BUILD_VERSION) : buildTinyBertGraph(vocab.length, FIXTURE_BUILD_VERSION);
  await mkdir(join(dir, "onnx"), { recursive: true });
  await Promise.all([
    writeFile(join(dir, "config.json"), json(bertConfig(vocab.length, name))),
    writeFile(join(dir, "tokenizer.json"), json(bertTokenizerJson(vocab))),
    writeFile(join(dir, "tokenizer_config.json"), json(bertTokenizerConfig(vocab))),
    writeFile(join(dir, "special_tokens_map.json"), json(SPECIAL_TOKENS_MAP)),
    writeFile(join(dir, "vocab.txt"), vocabText(vocab)),
    writeFile(join(dir, "onnx", "model.onnx"), graph),
  ]);
}

/** Writes `outDir/bm25/…` and `outDir/tiny-bert/…`; returns the model directories. */
export async function writeFixtureModels(outDir: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const name of FIXTURE_NAMES) {
    const dir = join(outDir, name);
    await mkdir(dir, { recursive: true });
    await writeFixture(name, dir);
    dirs.push(dir);
  }
  return dirs;
}

const pending = new Map<FixtureName, Promise<string>>();

/** The cached build of a fixture, building it on first use (atomically, so concurrent processes are safe). */
export function fixtureModelDir(name: FixtureName): Promise<string> {
  let p = pending.get(name);
  if (!p) {
    p = buildCached(name);
    pending.set(name, p);
    p.catch(() => pending.delete(name));
  }
  return p;
}

async function buildCached(name: FixtureName): Promise<string> {
  const root = join(harnessCacheDir(), "fixtures", `v${FIXTURE_BUILD_VERSION}`);
  const dir = join(root, name);
  if (await exists(join(dir, "onnx", "model.onnx"))) return dir;
  const tmp = join(root, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  await mkdir(tmp, { recursive: true });
  try {
    await writeFixture(name, tmp);
    await rename(tmp, dir);
  } catch (err) {
    // Another process won the race: its complete build is as good as ours.
    if (!(await exists(join(dir, "onnx", "model.onnx")))) throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** Bump whenever the GGUF writer's output changes: it keys the cached file. */
const GGUF_BUILD_VERSION = "1";

/**
 * The tiny-bert fixture as a llama.cpp BERT reranker GGUF (same weights as its ONNX graph), cached
 * beside the fixture: `<cache>/fixtures/v<N>/tiny-bert.g<M>.gguf`. For real llama.cpp servers in tests.
 */
export async function tinyBertGgufPath(): Promise<string> {
  const dir = await fixtureModelDir("tiny-bert");
  const path = join(dir, "..", `tiny-bert.g${GGUF_BUILD_VERSION}.gguf`);
  if (await exists(path)) return path;
  const bytes = buildTinyBertGguf(await readFile(join(dir, "onnx", "model.onnx")), await loadBertVocab());
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return path;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
