// @ts-nocheck
// Runs the `serve` command module alone (the full CLI needs a build); used by the SIGTERM test.
import { Command } from "commander";
import * as serve from "../../src/commands/serve.js";

const program = new Command("rerank-harness");
serve.define(program);
await program.parseAsync(process.argv);
process.exit(process.exitCode ?? 0);
