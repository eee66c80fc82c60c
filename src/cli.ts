#!/usr/bin/env node
import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { installOutputRedaction } from "./client/secrets.js";
import { EXIT, reportThrown } from "./cli/errors.js";
import * as check from "./commands/check.js";
import * as cleanup from "./commands/cleanup.js";
import * as compare from "./commands/compare.js";
import * as fixtures from "./commands/fixtures.js";
import * as load from "./commands/load.js";
import * as merge from "./commands/merge.js";
import * as serve from "./commands/serve.js";
import { stopAsOnSigterm } from "./targets/interrupt.js";
import { watchParent } from "./targets/parent-watch.js";
import * as verdict from "./commands/verdict.js";

// Command modules keep their heavy imports (onnxruntime, vitest, testcontainers) inside their
// actions, so `--help` and usage errors answer at once.
installOutputRedaction();
// A run whose launcher is killed (CI cancelling `npx rerank-harness …`) stops as on SIGTERM
// instead of living on as an orphan with its containers.
watchParent(stopAsOnSigterm);

const { version } = packageJson();

const program = new Command("rerank-harness")
  .description("Conformance and load-testing harness for rerank APIs (vLLM, TEI, Infinity, llama.cpp, Jina, Cohere)")
  .version(version)
  .showHelpAfterError("(run with --help for usage)")
  .addHelpText(
    "after",
    "\nExit codes: 0 all passed, 1 a check or threshold failed, 2 usage error or the target could not start, 70 internal error (a bug: please report it).",
  );

for (const command of [serve, check, load, compare, merge, verdict, fixtures, cleanup]) command.define(program);

// Commander's own errors (unknown flag, bad value) must exit 2, not its default 1.
program.exitOverride();
for (const sub of program.commands) sub.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    const informational = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(err.code);
    process.exitCode = informational ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportThrown(err);
  }
}
/** package.json sits one level up from src/ and two from dist/src/. */
function packageJson(): { version: string } {
  const require = createRequire(import.meta.url);
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const pkg = require(candidate) as { name?: string; version: string };
      if (pkg.name === "rerank-harness") return pkg;
    } catch {
      // not at this depth
    }
  }
  return { version: "unknown" };
}

// Lingering sockets or timers in libraries must not keep a finished command alive.
process.exit(process.exitCode ?? EXIT.ok);
