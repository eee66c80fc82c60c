import { describe, expect, it } from "vitest";
import { parseDuration, formatDuration } from "../../src/util/duration.js";
import { runCli } from "./run-cli.js";

describe("durations", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1.5s", 1_500],
    ["0", 0],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["30", "abc", "5 s", "-1s", "1d", "s", "30sx"])("rejects %j with the expected form", (text) => {
    expect(() => parseDuration(text)).toThrow(/use a unit/);
  });

  it("formats back", () => {
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(1_500)).toBe("1.5s");
    expect(formatDuration(90_000)).toBe("1m30s");
  });
});

describe("rerank-harness command line", () => {
  it("--help lists every command and the exit codes", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    for (const command of ["serve", "check", "load", "compare", "fixtures"]) expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    expect(run.stdout).toMatch(/Exit codes: 0 .*, 1 .*, 2 .*, 70 internal error/);
  });

  it.each(["serve", "check", "load", "compare", "fixtures"])("%s --help answers with its flags", async (command) => {
    const run = await runCli([command, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: rerank-harness ${command}`);
    expect(run.stdout).toContain("--");
  });

  it("an unknown flag exits 2 with a one-line reason", async () => {
    const run = await runCli(["check", "--no-such-flag"]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("error: unknown option '--no-such-flag'");
  });

  it("a bad duration exits 2 and says what a duration looks like", async () => {
    const run = await runCli(["check", "--timeout", "30"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"30" is not a duration \(use a unit: 500ms, 30s/);
  });

  it("an unknown dialect exits 2 and lists the choices", async () => {
    const run = await runCli(["load", "--dialect", "openai"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("vllm, jina, cohere-v1, cohere-v2, tei, infinity, llamacpp");
  });

  it("serve on an address it cannot listen on exits 2 with one line naming the flag", async () => {
    const run = await runCli(["serve", "--host", "999.1.1.1", "--port", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --host 999\.1\.1\.1: not an address or a host name that resolves \(E[A-Z_]+\)\n$/);
  });

  it("serve --help says what it prints when ready", async () => {
    const run = await runCli(["serve", "--help"]);
    expect(run.stdout).toContain(
      "When ready, prints one line to stdout: rerank-harness serving <name> at <url> (<onnxruntime>; <sessions> × <threads>). SIGTERM",
    );
  });

  it("an unknown command exits 2", async () => {
    const run = await runCli(["benchmark"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'benchmark'");
  });

  it("--version prints the package version", async () => {
    const run = await runCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
