/**
 * `npx rerank-harness` in a fresh clone, as a new user runs it: before `npm run build` (the bin
 * shim runs the source through tsx), then after it (the build), with the same npx cache in
 * between, which is what used to keep failing (npx cached the project without a bin link).
 * `npm ci` is replaced by a link to this checkout's node_modules (same lockfile, minutes faster).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;

function hasGit(): boolean {
  try {
    execFileSync("git", ["-C", REPO, "rev-parse", "HEAD"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), "rh-npx-clone-"));
const clone = join(dir, "clone");
/** The user's environment without the npm settings of the `npm test` running this, and an npx cache of its own. */
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && !k.startsWith("VITEST") && k !== "NODE_OPTIONS")),
  npm_config_cache: join(dir, "npm-cache"),
  NO_COLOR: "1",
};

function run(cmd: string, args: string[], timeout = 120_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: clone, env, timeout }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasGit())("npx rerank-harness in a fresh clone (the committed HEAD)", () => {
  it("without node_modules, the command says what to run instead of a stack trace", async () => {
    execFileSync("git", ["clone", "-q", REPO, clone], { stdio: "ignore" });
    const r = await run(process.execPath, ["bin/rerank-harness.js", "--help"]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/not built .* tsx, which runs the source, is not installed/);
    expect(r.out).toMatch(/npm ci/);
  });

  it("before the build: runs the TypeScript source", async () => {
    symlinkSync(join(REPO, "node_modules"), join(clone, "node_modules"), "dir");
    const r = await run("npx", ["--offline", "rerank-harness", "--help"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("Usage: rerank-harness");
  }, 180_000);

  it("after `npm run build`, with the same npx cache: runs dist/ (the source is moved away to prove it)", async () => {
    const build = await run("npm", ["run", "-s", "build"], 600_000);
    expect(build.code, build.out).toBe(0);
    renameSync(join(clone, "src", "cli.ts"), join(clone, "src", "cli.ts.away"));
    const r = await run("npx", ["--offline", "rerank-harness", "--version"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out.trim()).toBe(VERSION);
  }, 660_000);
});
