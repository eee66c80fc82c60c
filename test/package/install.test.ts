/**
 * rerank-harness as its users get it: `npm pack` (which runs `prepack`), then the tarball
 * installed into a fresh project outside this repository (so none of this repo's npm settings
 * apply), globally into a temporary prefix, and through `npx --package`. Only the npm registry
 * is reachable (warm cache, --prefer-offline); after the installs nothing touches the network:
 * every target is on 127.0.0.1.
 *
 * Slow (a build, three installs at once): its own file, one sequence of steps sharing one temporary tree.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE } from "../../src/checks/catalogue/index.js";
import { SERVED_MODEL, startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const CONSUMER_FILES = join(REPO, "test/package/consumer");
const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund"];

interface Run {
  code: number | null;
  out: string;
  ms: number;
}

/** Runs a command; never rejects (the exit code is asserted), with a hard limit. */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 180_000): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      // No CI colour codes in the captured text; no inherited npm_config_* from an `npm test` parent.
      { cwd, env: { ...cleanEnv(), NO_COLOR: "1", ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : null) : 0;
        resolve({ code, out: `${stdout}${stderr}`, ms: performance.now() - t0 });
      },
    );
  });
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_/i.test(k) || k === "FORCE_COLOR" || k === "VITEST" || k.startsWith("VITEST_") || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return env;
}

function duBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += duBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

/** The first ```ts block after a heading of docs/library.md. */
function libraryDocBlock(heading: string): string {
  const doc = readFileSync(join(REPO, "docs/library.md"), "utf8");
  const at = doc.indexOf(heading);
  if (at < 0) throw new Error(`docs/library.md: no heading ${heading}`);
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  if (!block) throw new Error(`docs/library.md: no ts block after ${heading}`);
  return block[1]!;
}

/** package.json files under node_modules that would make npm run an install-time script. */
function installHooks(modules: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    const pkgFile = join(dir, "package.json");
    if (existsSync(pkgFile)) {
      const scripts = (JSON.parse(readFileSync(pkgFile, "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
      for (const hook of ["preinstall", "install", "postinstall"]) if (scripts[hook]) found.push(`${dir}: ${hook}`);
      if (existsSync(join(dir, "binding.gyp"))) found.push(`${dir}: binding.gyp`);
    }
    const nested = join(dir, "node_modules");
    for (const base of existsSync(nested) ? [nested] : dir === modules ? [dir] : []) {
      for (const e of readdirSync(base, { withFileTypes: true })) {
        if (!e.isDirectory() || e.name.startsWith(".")) continue;
        if (e.name.startsWith("@")) for (const s of readdirSync(join(base, e.name))) visit(join(base, e.name, s));
        else visit(join(base, e.name));
      }
    }
  };
  visit(modules);
  return found;
}

/** The app's `rerank-harness serve` until its start-up line on stderr, then SIGTERM (to the bin itself, not npx). */
function serveRuntimeLine(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(cwd, "node_modules/.bin/rerank-harness"), ["serve", "--port", "0"], { cwd, env: { ...cleanEnv(), NO_COLOR: "1" } });
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`no start-up line in 60 s: ${err}`));
    }, 60_000);
    let out = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("rerank-harness serving"));
      if (line) {
        clearTimeout(timer);
        child.kill("SIGTERM");
        resolve(line);
      }
    });
    child.on("exit", () => {
      clearTimeout(timer);
      reject(new Error(`serve exited before its start-up line: ${err}`));
    });
  });
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const npmWarnings = (text: string) => text.split("\n").filter((l) => /^npm (warn|WARN|error|ERR)/.test(l));

describe("the packed tarball, installed as a user would", () => {
  let root: string;
  let tarball: string;
  let app: string;
  let faulty: TestServer;
  const globalPrefix = () => join(root, "global");

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "rh-package-"));
    faulty = await startVllmLikeServer({ fault: "unsorted" });
  });
  afterAll(async () => {
    await faulty?.close();
    rmSync(root, { recursive: true, force: true }); // about 500 MiB of node_modules
  }, 180_000);

  it("npm pack builds (prepack: dist/src with .d.ts, dist/k6) and packs", async () => {
    // This repo's .npmrc says ignore-scripts; packing is where `prepack` must run.
    const r = await run("npm", ["pack", "--ignore-scripts=false", "--pack-destination", root], REPO, {}, 300_000);
    expect(r.code, r.out).toBe(0);
    tarball = join(
      root,
      readdirSync(root).find((f) => f.endsWith(".tgz"))!,
    );
    const listing = await run("tar", ["-tzf", tarball], root);
    for (const f of [
      "package/bin/rerank-harness.js",
      "package/dist/src/cli.js",
      "package/dist/src/index.d.ts",
      "package/dist/src/vitest/index.d.ts",
      "package/dist/k6/rerank-load.js",
      "package/suites/vitest.config.ts",
    ]) {
      expect(listing.out).toContain(f);
    }
    console.log(`tarball ${mib(statSync(tarball).size)} (${statSync(tarball).size} bytes); pack with build ${(r.ms / 1000).toFixed(0)} s`);
  }, 300_000);

  it("installs: into an app, -g and npx; no install script but protobufjs's version check, every package is a registry tarball, no CUDA, no warning", async () => {
    // Three independent installs from the same tarball, at once (npm's cache is safe to share).
    // What the README says: the package alone; the embedded reference's runtime comes with it.
    app = join(root, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, type: "module" }));
    const elsewhere = join(root, "elsewhere");
    mkdirSync(elsewhere);
    const [appInstall, globalInstall, npx] = await Promise.all([
      run("npm", ["install", tarball, ...NPM_FLAGS], app),
      run("npm", ["install", "-g", "--prefix", globalPrefix(), tarball, ...NPM_FLAGS], root),
      run("npx", ["--yes", "--package", tarball, "rerank-harness", "check", "--list"], elsewhere, { npm_config_prefer_offline: "true" }),
    ]);
    for (const r of [appInstall, globalInstall, npx]) {
      expect(r.code, r.out).toBe(0);
      expect(r.out).not.toMatch(/nuget|cuda|EBADENGINE|Downloading/i);
    }
    expect(npx.out).toContain("sort.descending");
    expect(npmWarnings(npx.out)).toEqual([]);
    // npm 11's allowScripts notice names the one install-time script in the tree (below); it
    // must never name onnxruntime-node or rerank-harness itself (its build is prepack, not prepare).
    const notices = npmWarnings(appInstall.out);
    expect(notices.filter((l) => !/^npm warn install-scripts/.test(l))).toEqual([]);
    expect(notices.join("\n")).not.toMatch(/onnxruntime|rerank-harness@/);

    // The only install-time script in the tree (npm runs pre/install/postinstall, and node-gyp
    // for a binding.gyp) is protobufjs 6's postinstall, an offline version check (onnx-proto's
    // dependency); npm fetched nothing but registry tarballs.
    const appModules = join(app, "node_modules");
    const onlyProtobufjs = (hooks: string[]) => hooks.filter((h) => !/node_modules\/protobufjs: postinstall$/.test(h));
    expect(onlyProtobufjs(installHooks(appModules))).toEqual([]);
    // npm 11 leaves `resolved` out for registry packages (version + integrity); anything else (git, a URL) keeps it.
    const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8")) as {
      packages: Record<string, { resolved?: string; integrity?: string; link?: boolean }>;
    };
    const fromRegistry = (p: { resolved?: string; integrity?: string }) =>
      p.resolved ? /^(https:\/\/registry\.npmjs\.org\/|file:)/.test(p.resolved) : Boolean(p.integrity);
    const foreign = Object.entries(lock.packages).filter(([path, p]) => path !== "" && !p.link && !fromRegistry(p));
    expect(foreign).toEqual([]);
    expect(JSON.parse(readFileSync(join(appModules, "onnxruntime-node-cpu/package.json"), "utf8")).version).toBe("1.17.0");
    expect(readdirSync(join(appModules, "onnxruntime-node-cpu/bin/napi-v3/linux/x64")).filter((f) => /cuda|tensorrt/.test(f))).toEqual([]);

    const globalModules = join(globalPrefix(), "lib/node_modules");
    expect(existsSync(join(globalModules, "rerank-harness/dist/src/cli.js"))).toBe(true);
    expect(onlyProtobufjs(installHooks(globalModules))).toEqual([]);
    for (const optional of ["onnxruntime-node", "testcontainers"]) {
      for (const at of [appModules, globalModules, join(globalModules, "rerank-harness/node_modules")]) {
        expect(existsSync(join(at, optional)), `${optional} is an optional peer`).toBe(false);
      }
    }
    expect(existsSync(join(globalModules, "rerank-harness/node_modules/vitest")), "vitest is a peer npm installs").toBe(true);
    const plainSize = duBytes(join(globalModules, "rerank-harness"));
    console.log(
      `installs at once: app ${(appInstall.ms / 1000).toFixed(0)} s, ${mib(duBytes(appModules))} ` +
        `(onnxruntime-node-cpu ${mib(duBytes(join(appModules, "onnxruntime-node-cpu")))}); ` +
        `-g ${(globalInstall.ms / 1000).toFixed(0)} s, ${mib(plainSize)}; npx --package ${(npx.ms / 1000).toFixed(0)} s`,
    );
  }, 400_000);

  it("the global install: check passes on the embedded reference (bundled runtime); a forced missing peer stops with exit 2 and the command that adds it", async () => {
    const bin = join(globalPrefix(), "bin/rerank-harness");
    const help = await run(bin, ["check", "--help"], root);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toContain("--junit <file>");
    const check = await run(bin, ["check", "--fuzz", "5"], root);
    expect(check.code, check.out).toBe(0);
    expect(check.out).toMatch(/PASSED: \d+ passed, 0 failed/);
    const missing = await run(bin, ["check"], root, { RERANK_HARNESS_ONNXRUNTIME: "peer" });
    expect(missing.code, missing.out).toBe(2);
    expect(missing.out).toContain("ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1");
  }, 200_000);

  it("npx rerank-harness --help prints no npm warning; check passes on the embedded reference", async () => {
    const help = await run("npx", ["rerank-harness", "--help"], app);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toContain("Usage: rerank-harness");
    expect(npmWarnings(help.out)).toEqual([]);
    const check = await run("npx", ["rerank-harness", "check", "--fuzz", "5"], app);
    expect(check.code, check.out).toBe(0);
    expect(check.out).toMatch(/PASSED: \d+ passed, 0 failed/);
  }, 200_000);

  it("serve names its runtime: the bundled 1.17.0, then the app's own onnxruntime-node once added", async () => {
    // The small model runs as one single-threaded session per core on either runtime (on the
    // bundled one, whose binding loads in one thread per process, each in a process of its own).
    const cores = availableParallelism();
    const layout = `${cores} ${cores === 1 ? "session" : "sessions"} × 1 thread`;
    expect(await serveRuntimeLine(app)).toContain(`(onnxruntime-node 1.17.0, bundled CPU runtime; ${layout})`);
    const add = await run("npm", ["install", "onnxruntime-node@1", ...NPM_FLAGS], app, { ONNXRUNTIME_NODE_INSTALL: "skip" });
    expect(add.code, add.out).toBe(0);
    const version = JSON.parse(readFileSync(join(app, "node_modules/onnxruntime-node/package.json"), "utf8")).version as string;
    expect(await serveRuntimeLine(app)).toContain(`(onnxruntime-node ${version}; ${layout})`);
  }, 200_000);

  it("a TypeScript file using the library API type-checks and runs", async () => {
    for (const f of ["library.ts", "tsconfig.json"]) cpSync(join(CONSUMER_FILES, f), join(app, f));
    // The app has no TypeScript of its own: this repo's compiler and Node types.
    const tsconfig = JSON.parse(readFileSync(join(app, "tsconfig.json"), "utf8"));
    tsconfig.compilerOptions.typeRoots = [join(REPO, "node_modules/@types")];
    // The library example of docs/library.md is compiled too (not run: it names a server of the reader's).
    writeFileSync(join(app, "readme-example.ts"), libraryDocBlock("## Use as a library"));
    tsconfig.files.push("readme-example.ts");
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = await run(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], app);
    expect(tsc.code, tsc.out).toBe(0);
    const r = await run(process.execPath, ["build/library.js"], app);
    expect(r.code, r.out).toBe(0);
    const result = JSON.parse(r.out.trim().split("\n").at(-1)!);
    expect(result.passed).toBe(true);
    expect(result.summary.fail).toBe(0);
    expect(result.written).toEqual(result.summary);
    expect(readFileSync(join(app, "out/check.xml"), "utf8")).toContain("<testsuite");
  }, 200_000);

  it("rerankConformance in the app's own vitest: every check a named test; passes on the reference, fails on a faulty server", async () => {
    cpSync(join(CONSUMER_FILES, "conformance.spec.ts"), join(app, "conformance.spec.ts"));
    const vitest = async (target: string, out: string) => {
      const r = await run("npx", ["vitest", "run", "--reporter=json", `--outputFile=${out}`], app, { RH_TARGET: target });
      return {
        ...r,
        json: JSON.parse(readFileSync(join(app, out), "utf8")) as {
          testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>;
        },
      };
    };
    const [good, bad] = await Promise.all([vitest("embedded", "good.json"), vitest(`${faulty.url}#model=${SERVED_MODEL}`, "bad.json")]);
    expect(good.code, good.out).toBe(0);
    const tests = good.json.testResults.flatMap((f) => f.assertionResults);
    expect(tests.map((t) => t.title).sort()).toEqual(CATALOGUE.map((c) => c.id).sort());
    expect(tests.filter((t) => t.status === "failed")).toEqual([]);
    expect(tests.filter((t) => t.status === "skipped").length).toBeGreaterThan(0); // auth.required: no key set

    expect(bad.code).toBe(1);
    const failed = bad.json.testResults.flatMap((f) => f.assertionResults).filter((t) => t.status === "failed");
    expect(failed.map((t) => t.title)).toContain("sort.descending");
    expect(failed.find((t) => t.title === "sort.descending")!.failureMessages.join("\n")).toContain("sort.descending");
  }, 200_000);
});
