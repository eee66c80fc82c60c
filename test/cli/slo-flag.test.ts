import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// `--slo FILE` names the SLO file on every command that takes one; `--targets FILE`, its old
// name, still works with a one-line warning (test/load/cli.test.ts runs load with each).

const dir = mkdtempSync(join(tmpdir(), "rh-slo-flag-"));

describe("--slo and its deprecated alias --targets", () => {
  it.each(["load", "compare"])("%s --help lists --slo, not the deprecated --targets", async (command) => {
    const run = await runCli([command, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--slo <file>\s+the SLO file/);
    expect(run.stdout).not.toContain("--targets <file>");
  });

  it("compare --targets FILE warns once, then reads the file as --slo would (exit 2 here: no such file)", async () => {
    const missing = join(dir, "missing.json");
    const args = ["compare", "--target", "http://127.0.0.1:9", "--target", "http://127.0.0.1:9"];
    const [alias, slo] = await Promise.all([runCli([...args, "--targets", missing]), runCli([...args, "--slo", missing])]);
    expect([alias.code, slo.code]).toEqual([2, 2]);
    expect(alias.stderr).toBe(
      `warning: --targets is deprecated and will be removed: use --slo (the same file)\nerror: --targets ${missing}: cannot read it: no such file\n`,
    );
    expect(slo.stderr).toBe(`error: --slo ${missing}: cannot read it: no such file\n`);
  });
});
