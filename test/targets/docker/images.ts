// Local images for the container tests, built from this machine's own files: nothing is pulled.
// - node base: FROM scratch + this Node binary + the shared libraries it (and onnxruntime) link;
// - fake reranker: base + fake-reranker.mjs;
// - reference: the repository's Dockerfile (BASE = the node base) over a staged context holding
//   dist/, the production node_modules, fixtures/ and suites/.
// Each tag carries a hash of its inputs, so a second run finds the image and builds nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const HERE = fileURLToPath(new URL(".", import.meta.url));

/** Whether a Docker engine answers `docker info` (bounded). */
export function dockerAnswers(): boolean {
  const r = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8", timeout: 15_000 });
  return r.status === 0 && r.stdout.trim() !== "";
}

export function docker(args: string[], timeoutMs = 60_000): string {
  return execFileSync("docker", args, { encoding: "utf8", timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] });
}

/** Ids of containers carrying a label (running or not). */
export function containersLabelled(label: string): string[] {
  return docker(["ps", "-aq", "--filter", `label=${label}`])
    .split(/\s+/)
    .filter(Boolean);
}

function imageExists(tag: string): boolean {
  return spawnSync("docker", ["image", "inspect", tag], { stdio: "ignore" }).status === 0;
}

/** Build times of this process, for the report (`cached` when the tag already existed). */
export const buildLog: { tag: string; seconds: number; cached: boolean }[] = [];

/** Builds `dir` as `repo:hash` unless that tag exists; removes older tags of the same repo. */
function buildCached(repo: string, hash: string, dir: string, extra: string[] = []): string {
  const tag = `${repo}:${hash.slice(0, 16)}`;
  if (imageExists(tag)) {
    buildLog.push({ tag, seconds: 0, cached: true });
    return tag;
  }
  const t0 = Date.now();
  docker(["build", "-q", "-t", tag, ...extra, dir], 600_000);
  buildLog.push({ tag, seconds: (Date.now() - t0) / 1000, cached: false });
  for (const old of docker(["images", repo, "--format", "{{.Repository}}:{{.Tag}}"]).split(/\s+/).filter(Boolean)) {
    if (old !== tag) spawnSync("docker", ["rmi", old], { stdio: "ignore" });
  }
  return tag;
}

/** Hard-links (same file system) or copies one file into the staged context. */
function place(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  if (existsSync(dest)) return;
  try {
    linkSync(src, dest);
  } catch {
    cpSync(src, dest);
  }
}

/** The shared libraries a binary links (ldd), with the dynamic loader. */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync("ldd", [binary], { encoding: "utf8" });
  return [...out.matchAll(/(\/\S+\.so[^\s]*)/g)].map((m) => m[1]!);
}

function fingerprint(files: string[]): string {
  const h = createHash("sha256");
  for (const f of files.sort()) {
    const s = statSync(f);
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest("hex");
}

let baseTag: string | undefined;

/** FROM scratch: this Node runtime and the libraries Node and onnxruntime-node link. */
export function nodeBaseImage(): string {
  if (baseTag) return baseTag;
  const node = realpathSync(process.execPath);
  // Both runtimes the reference may load: the peer onnxruntime-node and the bundled 1.17.0 alias.
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const runtimes = [`node_modules/onnxruntime-node/bin/napi-v6/linux/${arch}`, `node_modules/onnxruntime-node-cpu/bin/napi-v3/linux/${arch}`].map((d) =>
    join(ROOT, d),
  );
  const natives = [node, ...runtimes.flatMap((ort) => (existsSync(ort) ? readdirSync(ort).map((f) => join(ort, f)) : []))];
  // System libraries only: the runtimes' own libonnxruntime travels with their packages.
  const libs = [...new Set(natives.flatMap(sharedLibraries))].filter((lib) => !lib.startsWith(ROOT));
  const files = [node, ...libs.map((l) => realpathSync(l))];
  const dir = mkdtempSync(join(tmpdir(), "rh-node-base-"));
  try {
    place(node, join(dir, "rootfs/usr/local/bin/node"));
    for (const lib of libs) place(realpathSync(lib), join(dir, "rootfs", lib));
    mkdirSync(join(dir, "rootfs/tmp"), { recursive: true });
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin\n");
    baseTag = buildCached("rerank-harness-test/node", fingerprint(files) + libs.join(","), dir);
    return baseTag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fake reranker on the node base: ENTRYPOINT node fake-reranker.mjs, CMD --port 8000. */
export function fakeRerankerImage(): string {
  const base = nodeBaseImage();
  const script = join(HERE, "fake-reranker.mjs");
  const dir = mkdtempSync(join(tmpdir(), "rh-fake-"));
  try {
    cpSync(script, join(dir, "fake-reranker.mjs"));
    writeFileSync(
      join(dir, "Dockerfile"),
      `FROM ${base}\nCOPY fake-reranker.mjs /app/fake-reranker.mjs\nENTRYPOINT ["/usr/local/bin/node", "/app/fake-reranker.mjs"]\nCMD ["--port", "8000"]\n`,
    );
    return buildCached(
      "rerank-harness-test/fake-reranker",
      createHash("sha256")
        .update(base)
        .update(fingerprint([script]))
        .digest("hex"),
      dir,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Production packages: the closure of package.json's dependencies (and optional ones that are
 * installed, such as the bundled onnxruntime), resolved as Node does. Walked here rather than asked
 * of `npm ls`, which takes seconds.
 */
export function runtimePackages(): string[] {
  const seen = new Set<string>();
  const visit = (name: string, from: string, optional: boolean) => {
    let dir = from;
    for (;;) {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) {
        if (seen.has(candidate)) return;
        seen.add(candidate);
        const pkg = JSON.parse(readFileSync(join(candidate, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
        for (const dep of Object.keys(pkg["dependencies"] ?? {})) visit(dep, candidate, false);
        for (const dep of Object.keys(pkg["optionalDependencies"] ?? {})) visit(dep, candidate, true);
        return;
      }
      if (dir === ROOT || dirname(dir) === dir) break;
      dir = dirname(dir); // Node's lookup: every ancestor's node_modules up to the package root
    }
    if (!optional) throw new Error(`runtime package ${name} (needed by ${from}) is not installed`);
  };
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
  for (const dep of Object.keys(root["dependencies"] ?? {})) visit(dep, ROOT, false);
  // The bundled onnxruntime (onnxruntime-node-cpu) is an optional dependency that npm installs.
  for (const dep of Object.keys(root["optionalDependencies"] ?? {})) visit(dep, ROOT, true);
  return [...seen];
}

/** Every file under a folder (symlinks as files they point to are skipped: npm's .bin links). */
function filesUnder(dir: string, skip: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) out.push(...filesUnder(path, skip));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * The repository's Dockerfile built over a staged context (what `npm ci && npm run build &&
 * npm prune --omit=dev` leaves), with the locally made node base as its BASE.
 */
export function referenceImage(): string {
  if (!existsSync(join(ROOT, "dist/src/cli.js"))) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  const base = nodeBaseImage();
  // Other platforms' onnxruntime binaries are most of node_modules: leave them out of the context.
  const foreign = new RegExp(`onnxruntime-node(?:-cpu)?/bin/napi-v\\d+/(darwin|win32|linux/(?!${process.arch === "arm64" ? "arm64" : "x64"}))`);
  const skip = (p: string) => foreign.test(p) || p.endsWith("/node_modules/.bin");
  const packages = runtimePackages();
  const files = [
    join(ROOT, "Dockerfile"),
    join(ROOT, "package.json"),
    ...["dist", "fixtures", "suites"].flatMap((d) => filesUnder(join(ROOT, d), skip)),
    ...packages.flatMap((p) => filesUnder(p, (path) => skip(path) || /\/node_modules$/.test(path))),
  ];
  const unique = [...new Set(files)];
  const hash = createHash("sha256").update(base).update(fingerprint(unique)).digest("hex");
  const tag = `rerank-harness-test/reference:${hash.slice(0, 16)}`;
  if (imageExists(tag)) {
    buildLog.push({ tag, seconds: 0, cached: true });
    return tag;
  }
  const dir = mkdtempSync(join(tmpdir(), "rh-ref-"));
  try {
    for (const f of unique) place(f, join(dir, relative(ROOT, f)));
    return buildCached("rerank-harness-test/reference", hash, dir, ["--build-arg", `BASE=${base}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
