import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { colourEnabled, coloursFor, paintStatus, plural, statusLabel } from "../../src/report/style.js";
import { latencyBasis } from "../../src/report/load-console.js";
import { renderCheckConsole } from "../../src/report/check-console.js";
import { formatQuantity, judge, targetText } from "../../src/load/verdict.js";
import { runCli } from "./run-cli.js";

// What a newcomer meets first: colour on a terminal only, and one clear line for each mistake.

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const HAS_SCRIPT = spawnSync("script", ["--version"]).status === 0;
const ESC = "\u001b[";

/** The environment without any colour preference, so each test sets its own. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ["FORCE_COLOR", "NO_COLOR", "NODE_DISABLE_COLORS", "CI"]) if (!(name in extra)) delete env[name];
  env["TERM"] = extra["TERM"] ?? "xterm-256color";
  return env;
}

/** Runs the CLI with stdout on a pseudo-terminal (util-linux `script`) or a pipe; resolves with what it printed. */
function run(args: string[], { tty, env = {} }: { tty: boolean; env?: Record<string, string> }): Promise<{ code: number | null; out: string }> {
  const argv = [process.execPath, "--import", "tsx", CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const [cmd, cmdArgs] = tty ? ["script", ["-qec", argv, "/dev/null"]] : ["sh", ["-c", argv]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs as string[], { env: plainEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("colour", () => {
  const tty = { isTTY: true, hasColors: () => true };
  const pipe = { isTTY: false };

  it("on a terminal, not in a pipe; NO_COLOR turns it off, FORCE_COLOR (Node's values) on or off", () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(pipe, {})).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: "" })).toBe(true);
    expect(colourEnabled(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(colourEnabled(pipe, { FORCE_COLOR: "" })).toBe(true);
    expect(colourEnabled(tty, { FORCE_COLOR: "0" })).toBe(false);
    expect(colourEnabled(tty, { FORCE_COLOR: "false" })).toBe(false);
    expect(colourEnabled(tty, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
    expect(colourEnabled({ isTTY: true, hasColors: () => false }, {})).toBe(false);
  });

  it("one label and colour per status, KNOWN included", () => {
    const on = coloursFor(tty, {});
    expect(["pass", "fail", "warn", "skip", "known"].map((s) => statusLabel(s as "pass"))).toEqual(["PASS", "FAIL", "WARN", "skip", "KNOWN"]);
    expect(paintStatus(on, "pass")).toBe(`${ESC}32mPASS${ESC}39m`);
    expect(paintStatus(on, "known")).toBe(`${ESC}36mKNOWN${ESC}39m`);
    expect(paintStatus(coloursFor(pipe, {}), "fail")).toBe("FAIL");
    expect([plural(1, "warning"), plural(2, "warning"), plural(0, "check")]).toEqual(["1 warning", "2 warnings", "0 checks"]);
  });

  it.skipIf(!HAS_SCRIPT)(
    "check colours PASS on a pseudo-terminal, prints none into a pipe or with NO_COLOR",
    async () => {
      const args = ["check", "--only", "schema.response", "--fuzz", "0"];
      const [onTty, piped, noColor] = await Promise.all([
        run(args, { tty: true }),
        run(args, { tty: false }),
        run(args, { tty: true, env: { NO_COLOR: "1" } }),
      ]);
      for (const r of [onTty, piped, noColor]) expect(r.code, r.out).toBe(0);
      expect(onTty.out).toContain(`${ESC}32mPASS`);
      expect(onTty.out).toMatch(/\u001b\[32mPASSED\u001b\[39m: 1 passed, 0 failed, 0 warnings, 0 skipped \(1 check\) in /);
      expect(piped.out).toMatch(/^PASSED: 1 passed/m);
      // No colour codes (SGR); a terminal may still get cursor codes from vitest's runner.
      const sgr = /\u001b\[[\d;]*m/;
      expect(piped.out).not.toMatch(sgr);
      expect(noColor.out).not.toMatch(sgr);
      // The duration is said once, in the verdict line.
      expect(piped.out.match(/ in [\dm.]+s\b/g)).toHaveLength(1);
    },
    90_000,
  );
});

describe("a missing API key is said out loud", () => {
  it.each([
    ["cohere", "CO_API_KEY"],
    ["jina", "JINA_API_KEY"],
  ])("--target %s without $%s exits 2 naming the variable, before any request", async (preset, variable) => {
    const run = await runCli(["check", "--target", preset], { env: { [variable]: "" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: target "${preset}" needs an API key: $${variable} is unset or empty (export ${variable}=…, or name another variable with #key-env=NAME)\n`,
    );
    expect(run.stdout).toBe("");
  });

  it("a preset's key-env setting names the variable that is checked", async () => {
    const run = await runCli(["load", "--target", "cohere#key-env=MY_COHERE_KEY", "--no-progress"], { env: { MY_COHERE_KEY: "" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("$MY_COHERE_KEY is unset or empty");
  });

  it("--api-key-env NAME unset: a warning naming it, then the run goes on", async () => {
    const run = await runCli(["check", "--api-key-env", "MY_KEY", "--only", "auth.required", "--fuzz", "0"], { env: { MY_KEY: "" }, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("warning: $MY_KEY is unset or empty: embedded gets no API key (auth.required will be skipped)");
    expect(run.stdout).toMatch(/skip +auth\.required/);
  }, 70_000);
});

describe("a model known to rank at random", () => {
  it("relevance checks skip with the reason against the embedded tiny-bert, instead of failing", async () => {
    const run = await runCli(["check", "--reference", "tiny-bert", "--only", "relevance."], { timeoutMs: 80_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}skip {2}relevance\.seed +MUST +the embedded tiny-bert has seeded random weights/m);
    expect(run.stdout).toMatch(/^ {2}skip {2}relevance\.labelled +SHOULD +the embedded tiny-bert/m);
  }, 90_000);
});

describe("one clear line for each mistake", () => {
  it("--corpus names the file and what is wrong with it", async () => {
    const run = await runCli(["load", "--corpus", "/nope.json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: --corpus /nope.json: cannot read it: no such file\n");
  });
});

describe("console wording", () => {
  it("a target's threshold reads the same in the table and in the failure it causes", () => {
    const target = { p95_ms: 50, rps: 1, min_achieved_rps: 0.95, max_error_rate: 0.01 };
    expect(targetText(target)).toBe("p95 ≤ 50 ms, ≥ 0.95 req/s");
    expect(judge({ sent: 10, errors: 0, dropped: 0, achievedRps: 0.9, p95Ms: 60.24 }, target)).toEqual([
      "p95 60.2 ms > target 50 ms",
      "achieved 0.9 req/s < 0.95 req/s needed",
    ]);
    expect([190, 47.5, 150, 0, 1234.4].map(formatQuantity)).toEqual(["190", "47.5", "150", "0", "1234"]);
  });

  it("closed-loop runs do not claim open-loop measurement", () => {
    expect(latencyBasis([{ mode: "open" }])).toBe("latency is measured from each request's intended send time (open loop)");
    expect(latencyBasis([{ mode: "closed" }])).toMatch(/^latency is measured from each request's actual send \(closed loop/);
    expect(latencyBasis([{ mode: "closed" }])).not.toContain("intended");
  });

  it("check names a URL target once", () => {
    const report = {
      target: "http://127.0.0.1:8000",
      base_url: "http://127.0.0.1:8000/",
      dialect: "vllm",
      started_at: "",
      duration_ms: 1,
      checks: [],
      summary: { pass: 0, fail: 0, warn: 0, skip: 0, known: 0, xpass: 0 },
      passed: true,
    };
    expect(renderCheckConsole(report).split("\n")[0]).toBe("rerank-harness check: http://127.0.0.1:8000, dialect vllm");
    expect(renderCheckConsole({ ...report, target: "embedded (bm25)" }).split("\n")[0]).toBe(
      "rerank-harness check: embedded (bm25) (http://127.0.0.1:8000/), dialect vllm",
    );
  });
});
