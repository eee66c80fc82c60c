// A run whose launcher dies: `npm exec -c` (what `npx rerank-harness …` runs: npm, then `sh -c`,
// then Node) is killed with -9 as CI does when it cancels a job; the `sh -c` lives on, so the
// harness's own parent never changes. The harness must notice, clean up as on SIGTERM (exit 143),
// and leave no container and no process behind.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ended, jobAncestors, readStat, watchParent, type ProcStat } from "../../src/targets/parent-watch.js";
import { containersLabelled, dockerAnswers, fakeRerankerImage } from "./docker/images.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const linux = existsSync("/proc/self/stat");
const npm = spawnSync("npm", ["--version"], { encoding: "utf8" }).status === 0;
const engine = linux && dockerAnswers();
if (!linux) console.warn("SKIPPED: parent-death runs: they read /proc (Linux only)");
if (!npm) console.warn("SKIPPED: parent-death runs: no npm on PATH to launch the harness as npx does");
if (linux && !engine) console.warn("SKIPPED: parent death while waiting on a container: no Docker engine answers `docker info`");

const stat = (p: Partial<ProcStat> & { pid: number }): ProcStat => ({ comm: "x", state: "S", ppid: 1, pgrp: 10, session: 10, starttime: "100", ...p });

describe("parent-watch: which processes are watched", () => {
  it.skipIf(!linux)("parses /proc/self/stat", () => {
    const self = readStat("self")!;
    expect(self.pid).toBe(process.pid);
    expect(self.ppid).toBe(process.ppid);
    expect(self.starttime).toMatch(/^\d+$/);
  });

  it("follows parents while they are in the harness's process group, and stops at another group or pid 1", () => {
    const table = new Map([
      [40, stat({ pid: 40, comm: "sh", ppid: 30 })],
      [30, stat({ pid: 30, comm: "npm exec", ppid: 20 })],
      [20, stat({ pid: 20, comm: "bash", ppid: 1, pgrp: 20 })],
    ]);
    const read = (pid: number | "self") => table.get(pid as number);
    expect(jobAncestors(stat({ pid: 50, ppid: 40 }), read).map((a) => a.comm)).toEqual(["sh", "npm exec"]);
    // Leading its own group (job control, setsid, a detached spawn): nothing to watch.
    expect(jobAncestors(stat({ pid: 50, ppid: 40, pgrp: 50 }), read)).toEqual([]);
    table.set(20, stat({ pid: 20, ppid: 1 }));
    expect(jobAncestors(stat({ pid: 50, ppid: 40 }), read).map((a) => a.pid)).toEqual([40, 30, 20]);
  });

  it("a process has ended when it is gone, a zombie, or its pid names a newer process", () => {
    const was = stat({ pid: 7 });
    expect(ended(was, () => stat({ pid: 7 }))).toBe(false);
    expect(ended(was, () => undefined)).toBe(true);
    expect(ended(was, () => stat({ pid: 7, state: "Z" }))).toBe(true);
    expect(ended(was, () => stat({ pid: 7, starttime: "200" }))).toBe(true);
  });

  it(`is switched off by RERANK_HARNESS_PARENT_WATCH=off`, () => {
    expect(watchParent(() => {}, { env: { RERANK_HARNESS_PARENT_WATCH: "off" } })).toBeUndefined();
    const on = watchParent(() => {}, { env: {} });
    on?.stop();
    if (linux) expect(on?.watching ?? []).toEqual(jobAncestors(readStat("self")!).map((a) => `${a.comm} (${a.pid})`));
  });
});

/** Processes (pid: command line) whose environment carries `marker`: the run and all it started. */
function processesMarked(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "utf8").includes(marker)) continue;
      const s = readStat(Number(pid));
      if (s && s.state !== "Z") out.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Children of `parent` (from /proc). */
function childrenOf(parent: number): ProcStat[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((s): s is ProcStat => s?.ppid === parent);
}

/** The harness started by `npm exec -c`: npm's child `sh`, and that shell's child. */
function harnessPid(npmPid: number): number | undefined {
  const shell = childrenOf(npmPid).find((s) => s.comm === "sh");
  return shell ? childrenOf(shell.pid)[0]?.pid : undefined;
}

async function until<T>(what: string, get: () => T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * `npm exec -c '<harness> ARGS'`, as npx starts the bin, in a process group of its own (as a CI
 * step or a terminal job). The shell also writes the harness's exit code and stderr to files.
 */
function launchLikeNpx(args: string, marker: string): { npm: ChildProcess; dir: string; code: () => string | undefined; stderr: () => string } {
  const dir = mkdtempSync(join(tmpdir(), "rh-orphan-"));
  const command = `"${process.execPath}" --import tsx "${CLI}" ${args} 2>"${dir}/stderr"; echo $? >"${dir}/code"`;
  const env = { ...process.env, RH_TEST_MARK: marker, FORCE_COLOR: "0" } as Record<string, string>;
  for (const k of Object.keys(env)) if (k.startsWith("TESTCONTAINERS_")) delete env[k];
  const child = spawn("npm", ["exec", "--yes", "-c", command], { detached: true, stdio: "ignore", env });
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
  return { npm: child, dir, code: () => read("code").trim() || undefined, stderr: () => read("stderr") };
}

/** Kills npm with -9 (its `sh -c` lives on), then checks the run 10 s later. */
async function killLauncherAndCheck(run: ReturnType<typeof launchLikeNpx>, marker: string, harness: number): Promise<void> {
  const shell = readStat(harness)!.ppid;
  expect(readStat(shell)?.comm, "npm runs the bin through sh -c").toBe("sh");
  run.npm.kill("SIGKILL");
  await new Promise((r) => setTimeout(r, 10_000));
  expect(run.code(), run.stderr()).toBe("143");
  expect(run.stderr()).toMatch(new RegExp(`process ${run.npm.pid} \\(.*\\) ended: stopping this run as on SIGTERM`));
  expect(processesMarked(marker)).toEqual([]);
}

describe.skipIf(!linux || !npm)("a run whose launcher (npx) is killed", () => {
  it.skipIf(!engine)(
    "while waiting on an unhealthy container: removes the container, exits 143, leaves nothing",
    async () => {
      const fake = fakeRerankerImage();
      const marker = randomUUID();
      const run = launchLikeNpx(`check --startup-timeout 120s --target 'container:${fake}#args=--port%208000%20--health-status%20503'`, marker);
      const harness = await until("the harness process", () => harnessPid(run.npm.pid!), 60_000);
      await until("the run's container", () => containersLabelled(`rerank-harness.pid=${harness}`).length > 0);
      await killLauncherAndCheck(run, marker, harness);
      expect(containersLabelled(`rerank-harness.pid=${harness}`)).toEqual([]);
    },
    240_000,
  );

  it("in the middle of `load` against a process: target: stops it and its whole tree, exits 143", async () => {
    const marker = randomUUID();
    const run = launchLikeNpx(`load --target 'process:{harness} serve --port {port}' --docs 2 --rate 5 --duration 120s --warmup 0s`, marker);
    const harness = await until("the harness process", () => harnessPid(run.npm.pid!), 60_000);
    await until("the load run to be ready", () => /ready at/.test(run.stderr()), 120_000);
    await new Promise((r) => setTimeout(r, 1_500)); // into the load itself
    expect(processesMarked(marker).filter((l) => / serve --port \d+/.test(l)).length, "the process target runs").toBeGreaterThan(0);
    await killLauncherAndCheck(run, marker, harness);
  }, 180_000);
});
