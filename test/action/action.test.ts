import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVED_MODEL, startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";

// The composite Action's run step (scripts/action/run.sh) executed as the runner would, with a
// fake GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP, and the CLI from source in place of
// the installed package: green on the embedded reference, red (exit 1) on a faulty server.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RUN = join(ROOT, "scripts/action/run.sh");
const dir = mkdtempSync(join(tmpdir(), "rh-action-"));
// What install.sh names in RERANK_HARNESS_BIN, here the source through tsx.
const BIN = join(dir, "rerank-harness");
writeFileSync(BIN, `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(ROOT, "src/cli.ts")}" "$@"\n`);
chmodSync(BIN, 0o755);

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  stepSummary: string;
  reportDir: string;
}

let n = 0;
/** One run of the step, in a fresh runner folder. */
function runStep(inputs: Record<string, string>, timeoutMs = 80_000): Promise<StepRun> {
  const runner = join(dir, `runner-${++n}`);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    FORCE_COLOR: "0",
    GITHUB_ACTIONS: "true",
    RUNNER_TEMP: runner,
    GITHUB_OUTPUT: join(runner, "output"),
    GITHUB_STEP_SUMMARY: join(runner, "step-summary.md"),
    RERANK_HARNESS_BIN: BIN,
    ...inputs,
  };
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [RUN], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`run.sh ran past ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
      const outputs = Object.fromEntries(
        read(env.GITHUB_OUTPUT!)
          .split("\n")
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
      resolve({ code, stdout, stderr, outputs, stepSummary: read(env.GITHUB_STEP_SUMMARY!), reportDir: join(runner, "rerank-harness-reports") });
    });
  });
}

let faulty: TestServer;
beforeAll(async () => {
  faulty = await startVllmLikeServer({ fault: "unsorted" });
});
afterAll(async () => {
  await faulty?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("action.yml", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8"));
  const steps: Array<Record<string, any>> = action.runs.steps;

  it("is a composite Action with the inputs the docs name, whose scripts exist", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["command", "target", "dialect", "args", "node-version", "working-directory"]));
    for (const s of steps.filter((x) => x.run)) {
      const script = /\$GITHUB_ACTION_PATH\/(scripts\/action\/[\w.-]+)/.exec(s.run)![1]!;
      expect(existsSync(join(ROOT, script)), script).toBe(true);
      // Inputs reach scripts as environment variables only: nothing interpolated into the shell.
      expect(s.run).not.toContain("${{");
    }
  });

  it("uploads the reports even when the gate failed", () => {
    const upload = steps.find((s) => String(s.uses).startsWith("actions/upload-artifact@"))!;
    expect(upload.if).toMatch(/^always\(\)/);
    const run = steps.find((s) => s.id === "run")!;
    expect(upload.with.path).toBe(run.env.INPUT_REPORT_DIR);
  });
});

describe("examples/gitlab-ci.yml", () => {
  const ci = parse(readFileSync(join(ROOT, "examples/gitlab-ci.yml"), "utf8"));

  it("hands GitLab the JUnit file the check writes, kept on failure too", () => {
    const job = ci["rerank-conformance"];
    const script = job.script.join("\n").replace(/\$\{?REPORTS\}?/g, ci.variables.REPORTS);
    const junit = /--junit "([^"]+)"/.exec(script)![1];
    expect(job.artifacts.reports.junit).toBe(junit);
    expect(job.artifacts.when).toBe("always");
    expect(job.artifacts.paths).toContain(`${ci.variables.REPORTS}/`);
    expect(script).toMatch(/rerank-harness check /);
  });
});

describe("the Action's run step (scripts/action/run.sh)", () => {
  it("passes on the embedded reference: exit 0, outputs set, reports written, job summary green", async () => {
    const step = await runStep({ INPUT_COMMAND: "check", INPUT_TARGET: "embedded", INPUT_ARGS: "--only 'schema.,sort.' --fuzz 0" });
    expect(step.code, step.stderr).toBe(0);
    expect(step.outputs).toMatchObject({ "exit-code": "0", "report-dir": step.reportDir, junit: join(step.reportDir, "junit.xml") });
    for (const f of ["junit.xml", "report.json", "summary.md"]) expect(existsSync(join(step.reportDir, f)), f).toBe(true);
    expect(step.stepSummary.split("\n")[0]).toBe("## ✅ rerank-harness check: PASSED");
    expect(step.stdout).not.toMatch(/^::error/m);
    expect(readFileSync(join(step.reportDir, "junit.xml"), "utf8")).toMatch(/<testsuites [^>]*failures="0"/);
  }, 90_000);

  it("fails on a faulty server with exit 1, and still leaves every report for the upload", async () => {
    const step = await runStep({
      INPUT_COMMAND: "check",
      INPUT_TARGET: faulty.url,
      INPUT_DIALECT: "vllm",
      INPUT_ARGS: `--model ${SERVED_MODEL} --only sort. --fuzz 0`,
    });
    expect(step.code, step.stderr).toBe(1);
    expect(step.outputs["exit-code"]).toBe("1");
    for (const f of ["junit.xml", "report.json", "summary.md"]) expect(existsSync(join(step.reportDir, f)), f).toBe(true);
    expect(readFileSync(join(step.reportDir, "junit.xml"), "utf8")).toMatch(/<testcase name="sort\.descending"[^>]*>\s*<failure /);
    expect(step.stepSummary.split("\n")[0]).toBe("## ❌ rerank-harness check: FAILED");
    expect(step.stdout).toMatch(/^::error title=rerank-harness check%3A sort\.descending::results are not sorted/m);
  }, 90_000);

  it("refuses an unknown command and unsplittable args with exit 2, running nothing", async () => {
    const bad = await runStep({ INPUT_COMMAND: "rm -rf", INPUT_TARGET: "embedded" }, 10_000);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/^::error title=rerank-harness action::command must be check, load or compare/m);
    const quote = await runStep({ INPUT_COMMAND: "check", INPUT_ARGS: "--model 'unclosed" }, 10_000);
    expect(quote.code).toBe(2);
    expect(quote.stdout).toMatch(/cannot split it into arguments/);
  });

  it("passes targets and args as words, never through a shell: quotes group, $(…) stays text", async () => {
    const marker = join(dir, "injected");
    // A stand-in CLI that prints each argument it receives on its own line.
    const echo = join(dir, "echo-args");
    writeFileSync(echo, `#!/bin/sh\nprintf '[%s]\\n' "$@"\n`);
    chmodSync(echo, 0o755);
    const step = await runStep({
      RERANK_HARNESS_BIN: echo,
      INPUT_COMMAND: "compare",
      INPUT_TARGET: " embedded \nprocess:my server --port 1\n\n",
      INPUT_ARGS: `--model "two words" --api-key-env '$(touch ${marker})' \`id\``,
    });
    expect(step.code, step.stderr).toBe(0);
    const words = [...step.stdout.matchAll(/^\[(.*)\]$/gm)].map((m) => m[1]);
    expect(words.slice(0, 11)).toEqual([
      "compare",
      "--target",
      "embedded",
      "--target",
      "process:my server --port 1",
      "--model",
      "two words",
      "--api-key-env",
      `$(touch ${marker})`,
      "`id`",
      "--json",
    ]);
    expect(existsSync(marker)).toBe(false);
  });
});
