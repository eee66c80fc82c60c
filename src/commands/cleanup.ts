import type { Command } from "commander";
import { action, EXIT } from "../cli/errors.js";

/** `rerank-harness cleanup`: removes containers left by runs that were killed (found by label). */
export function define(program: Command): void {
  program
    .command("cleanup")
    .description("remove containers left by runs that were killed (found by their rerank-harness labels)")
    .option("--all", "also remove containers of runs that are still running or ran on another host")
    .option("--dry-run", "list what would be removed, remove nothing")
    .addHelpText(
      "after",
      "\nA run removes its own containers when it ends, fails or gets SIGINT/SIGTERM; only a kill -9 or a crash\n" +
        "leaves them. Exit 0 when the sweep ran (even with nothing to remove), 2 when no Docker engine answers.",
    )
    .action(
      action(async (flags: { all?: boolean; dryRun?: boolean }) => {
        const { cleanupContainers } = await import("../targets/container-cleanup.js");
        for (const line of await cleanupContainers({ all: flags.all ?? false, dryRun: flags.dryRun ?? false })) process.stdout.write(`${line}\n`);
        return EXIT.ok;
      }),
    );
}
