/**
 * The README's commands run as written on a fresh copy of the repository. Each fenced `bash`
 * block runs, in order, in one copy (so `npm start`'s build serves the blocks after it), unless
 * the line above it says why it cannot: `<!-- not-run: reason -->` (it needs the npm registry,
 * Docker, an API key…). A block must exit 0 unless marked `<!-- exit: 0 or 1 (reason) -->`.
 *
 * The copy holds the working tree's tracked and unignored files (what a clone of this commit
 * would hold, uncommitted edits included); `node_modules` is a link to this checkout's, standing
 * in for `npm ci`, which needs the registry. `npx rerank-harness` resolves to the copy's own
 * `dist/src/cli.js` through a bin link on PATH, as it does in a project that installed the
 * package (the bin npm links there is the same file).
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fencedBlocks, type FencedBlock } from "./markdown.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const README = readFileSync(join(REPO, "README.md"), "utf8");
const BLOCK_LIMIT_MS = 300_000;

const hasGit = (() => {
  try {
    execFileSync("git", ["-C", REPO, "rev-parse", "--is-inside-work-tree"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

interface Plan {
  block: FencedBlock;
  run: boolean;
  /** Exit codes the block may end with. */
  exits: number[];
  /** Why it is not run, or why it may exit non-zero. */
  reason?: string;
}

/** What to do with a block, from its marker; a marker this test does not know is an error. */
function plan(block: FencedBlock): Plan {
  const m = block.marker;
  if (m === undefined) return { block, run: true, exits: [0] };
  const notRun = /^not-run:\s*(.*)$/s.exec(m);
  if (notRun) return { block, run: false, exits: [], reason: notRun[1]!.trim() };
  const exit = /^exit:\s*([\d\s,or]+?)\s*\((.+)\)$/s.exec(m);
  if (exit) return { block, run: true, exits: exit[1]!.split(/,|\bor\b/).map((s) => Number(s.trim())), reason: exit[2]!.trim() };
  throw new Error(`README.md:${block.line}: unknown marker <!-- ${m} --> (use "not-run: reason" or "exit: 0 or 1 (reason)")`);
}

const bashBlocks = fencedBlocks(README).filter((b) => b.lang === "bash");

describe("README bash blocks: markers", () => {
  it("the README has bash blocks, some run and some marked", () => {
    const plans = bashBlocks.map(plan);
    expect(plans.filter((p) => p.run).length).toBeGreaterThanOrEqual(3);
    expect(bashBlocks.length).toBeGreaterThan(plans.filter((p) => p.run).length);
  });

  it("every block that is not run says why", () => {
    for (const p of bashBlocks.map(plan).filter((p) => !p.run)) {
      expect(p.reason, `README.md:${p.block.line}`).toMatch(/\w{3,}.*\w/);
    }
  });

  it("reads the markers it knows and refuses others", () => {
    const at = (marker?: string): FencedBlock => ({ lang: "bash", code: "true", line: 1, ...(marker === undefined ? {} : { marker }) });
    expect(plan(at())).toMatchObject({ run: true, exits: [0] });
    expect(plan(at("not-run: needs docker"))).toMatchObject({ run: false, reason: "needs docker" });
    expect(plan(at("exit: 0 or 1 (busy machine)"))).toMatchObject({ run: true, exits: [0, 1], reason: "busy machine" });
    expect(() => plan(at("skip"))).toThrow(/unknown marker/);
  });
});

interface Run {
  code: number | null;
  out: string;
}

function runBash(code: string, cwd: string, env: NodeJS.ProcessEnv, limitMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-eo", "pipefail", "-c", code], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const timer = setTimeout(() => {
      // The whole group: `npm start` and the servers a block starts are children of bash.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
      reject(new Error(`ran past ${limitMs} ms:\n${code}\n${out.slice(-4000)}`));
    }, limitMs);
    child.on("error", reject);
    child.on("close", (c) => {
      clearTimeout(timer);
      resolve({ code: c, out });
    });
  });
}

describe.skipIf(!hasGit)("README bash blocks run on a fresh copy (skipped without git: it lists the files to copy)", () => {
  let copy = "";
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "rh-readme-"));
    const files = execFileSync("git", ["-C", REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
      .split("\0")
      .filter((f) => f !== "" && existsSync(join(REPO, f)) && statSync(join(REPO, f)).isFile());
    for (const f of files) {
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      copyFileSync(join(REPO, f), join(copy, f));
      chmodSync(join(copy, f), statSync(join(REPO, f)).mode);
    }
    symlinkSync(join(REPO, "node_modules"), join(copy, "node_modules"), "dir");
    const bin = join(copy, ".readme-bin");
    mkdirSync(bin);
    symlinkSync(join(copy, "dist/src/cli.js"), join(bin, "rerank-harness"));
    // npm's own variables (when this runs under `npm test`) would leak the outer project's config.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    env = { ...clean, PATH: `${bin}:${process.env.PATH}`, FORCE_COLOR: "0", NO_COLOR: "1", npm_config_offline: "true", npm_config_update_notifier: "false" };
    delete env.RERANK_API_KEY;
  });

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  for (const p of bashBlocks.map(plan).filter((p) => p.run)) {
    it(
      `README.md:${p.block.line}: ${p.block.code.split("\n")[0]}`,
      async () => {
        const r = await runBash(p.block.code, copy, env, BLOCK_LIMIT_MS);
        expect(p.exits, `exit ${r.code}${p.reason ? ` (allowed: ${p.exits.join(", ")}: ${p.reason})` : ""}\n${r.out.slice(-4000)}`).toContain(r.code);
      },
      BLOCK_LIMIT_MS + 10_000,
    );
  }
});
