/**
 * npm must not warn on every call in this repository (issue: `Unknown project config
 * "onnxruntime-node-install"` from .npmrc). Fast: no build needed for the first test.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

function npmCall(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: REPO, env: { ...env, NO_COLOR: "1" }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const warnings = (out: string) => out.split("\n").filter((l) => /^npm (warn|WARN)/.test(l));

describe("npm in this repository", () => {
  it("reads .npmrc without an unknown-config warning", async () => {
    const r = await npmCall("npm", ["pkg", "get", "name"]);
    expect(r.code, r.out).toBe(0);
    expect(warnings(r.out)).toEqual([]);
  });

  it(".npmrc uses only settings npm knows", () => {
    const keys = readFileSync(`${REPO}/.npmrc`, "utf8")
      .split("\n")
      .filter((l) => l.trim() && !l.trimStart().startsWith("#"))
      .map((l) => l.split("=")[0]!.trim());
    expect(keys).toEqual(["ignore-scripts"]);
  });

  it.skipIf(!existsSync(`${REPO}/dist/src/cli.js`))("npx rerank-harness --help prints no npm warning (needs `npm run build`)", async () => {
    const r = await npmCall("npx", ["rerank-harness", "--help"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("Usage: rerank-harness");
    expect(warnings(r.out)).toEqual([]);
  });
});
