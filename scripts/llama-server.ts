/**
 * Builds llama.cpp's `llama-server` from the source that the npm package node-llama-cpp ships
 * (`llama/gitRelease.bundle`, a git bundle of one llama.cpp release; its tag is in
 * `llama/llama.cpp.info.json`), or reuses an earlier build.
 *
 * CPU build, no network: Debian's cmake and g++, curl/OpenSSL off, no web UI download, only the
 * `llama-server` target. The binary is cached outside the repository, keyed by the llama.cpp tag:
 * `$RERANK_HARNESS_CACHE/llama-server/<tag>/bin/llama-server` (default cache ~/.cache/rerank-harness).
 *
 * `npx tsx scripts/llama-server.ts` prints the binary's path; a failed build exits 1 with the reason.
 * Env: LLAMA_BUILD_JOBS (default 2).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { harnessCacheDir } from "../src/reference/fixtures.js";

const run = promisify(execFile);

/** The npm package whose llama.cpp source is built, pinned exactly, and the llama.cpp tag it ships. */
export const LLAMA_CPP_SOURCE = { npm: "node-llama-cpp", version: "3.21.1", tag: "v0.4.0" } as const;

/** cmake flags: a static CPU build with nothing fetched from the network. */
export const CMAKE_FLAGS = [
  "-DCMAKE_BUILD_TYPE=Release",
  "-DBUILD_SHARED_LIBS=OFF",
  "-DLLAMA_OPENSSL=OFF", // no HTTPS; LLAMA_CURL is deprecated and gone in this release
  "-DLLAMA_USE_PREBUILT_UI=OFF", // else tools/ui downloads the web UI from a Hugging Face bucket
  "-DLLAMA_BUILD_UI=OFF",
  "-DLLAMA_BUILD_TESTS=OFF",
  "-DLLAMA_BUILD_EXAMPLES=OFF",
  "-DLLAMA_BUILD_APP=OFF",
  "-DLLAMA_BUILD_SERVER=ON",
  "-DGGML_NATIVE=ON",
  "-DGGML_OPENMP=OFF",
];

export interface LlamaServerBuild {
  binary: string;
  tag: string;
  commit: string;
  reused: boolean;
}

export class LlamaServerBuildError extends Error {
  override readonly name = "LlamaServerBuildError";
}

export function llamaServerDir(tag: string = LLAMA_CPP_SOURCE.tag): string {
  return join(harnessCacheDir(), "llama-server", tag);
}

/** The cached binary, building it first when absent. Throws LlamaServerBuildError with the reason. */
export async function ensureLlamaServer(log: (line: string) => void = () => {}): Promise<LlamaServerBuild> {
  const dir = llamaServerDir();
  const binary = join(dir, "bin", "llama-server");
  const manifest = join(dir, "bin", "build.json");
  if (existsSync(binary) && existsSync(manifest)) {
    const meta = JSON.parse(await readFile(manifest, "utf8")) as { tag: string; commit: string };
    return { binary, tag: meta.tag, commit: meta.commit, reused: true };
  }
  await mkdir(dir, { recursive: true });
  const src = join(dir, "src");
  if (!existsSync(join(src, "CMakeLists.txt"))) await unpackSource(dir, src, log);
  const commit = (await step("git", ["-C", src, "rev-parse", "--short", "HEAD"])).trim();
  const build = join(dir, "build");
  log(`llama-server: configuring llama.cpp ${LLAMA_CPP_SOURCE.tag} (${commit}) with cmake`);
  await step("cmake", ["-S", src, "-B", build, ...CMAKE_FLAGS]);
  const jobs = process.env.LLAMA_BUILD_JOBS ?? "2";
  log(`llama-server: building (about 12 minutes on 2 cores; -j${jobs})`);
  await stream("cmake", ["--build", build, "--target", "llama-server", `-j${jobs}`]);
  await mkdir(join(dir, "bin"), { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  await copyFile(join(build, "bin", "llama-server"), tmp);
  await rename(tmp, binary);
  const meta = { tag: LLAMA_CPP_SOURCE.tag, commit, npm: `${LLAMA_CPP_SOURCE.npm}@${LLAMA_CPP_SOURCE.version}`, cmake: CMAKE_FLAGS };
  await writeFile(manifest, JSON.stringify(meta, null, 2) + "\n");
  return { binary, tag: meta.tag, commit, reused: false };
}

/** `npm pack` the pinned package (no dependencies, no install scripts) and clone its bundle. */
async function unpackSource(dir: string, src: string, log: (line: string) => void): Promise<void> {
  const spec = `${LLAMA_CPP_SOURCE.npm}@${LLAMA_CPP_SOURCE.version}`;
  const tmp = await mkdtemp(join(dir, ".pack-"));
  try {
    log(`llama-server: fetching ${spec} with npm pack`);
    const out = await step("npm", ["pack", spec, "--silent", "--pack-destination", tmp]);
    const tgz = join(tmp, out.trim().split("\n").pop() ?? "");
    await step("tar", ["xzf", tgz, "-C", tmp, "package/llama/gitRelease.bundle", "package/llama/llama.cpp.info.json"]);
    const info = JSON.parse(await readFile(join(tmp, "package/llama/llama.cpp.info.json"), "utf8")) as { tag?: string };
    if (info.tag !== LLAMA_CPP_SOURCE.tag) {
      throw new LlamaServerBuildError(`${spec} ships llama.cpp ${String(info.tag)}, expected ${LLAMA_CPP_SOURCE.tag}: update LLAMA_CPP_SOURCE`);
    }
    await rm(src, { recursive: true, force: true });
    // The bundle holds one commit (its HEAD), not the tag itself.
    await step("git", ["clone", "--quiet", join(tmp, "package/llama/gitRelease.bundle"), src]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function step(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === "ENOENT" ? `${cmd} is not installed` : (e.stderr ?? e.message).trim().split("\n").slice(-15).join("\n");
    throw new LlamaServerBuildError(`llama-server build: \`${cmd} ${args.slice(0, 3).join(" ")}\` failed: ${why}`);
  }
}

/** Runs a long step with its output passed through, so CI shows progress and the compiler's error. */
async function stream(cmd: string, args: string[]): Promise<void> {
  const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new LlamaServerBuildError(`llama-server build: \`${cmd} ${args.join(" ")}\` exited with ${code}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  ensureLlamaServer((line) => console.error(line)).then(
    (b) => console.log(b.binary),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
