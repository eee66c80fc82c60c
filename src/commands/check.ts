import type { Command } from "commander";
import { addCommonOptions } from "../cli/options.js";
import { action, EXIT } from "../cli/errors.js";

export function define(program: Command): void {
  addCommonOptions(program.command("check").description("(check has not landed yet)")).action(
    action(async () => {
      process.stderr.write("error: 'check' has not landed yet\n");
      return EXIT.usage;
    }),
  );
}
