import type { Command } from "commander";
import { addCommonOptions } from "../cli/options.js";
import { action, EXIT } from "../cli/errors.js";

export function define(program: Command): void {
  addCommonOptions(program.command("load").description("(load has not landed yet)")).action(
    action(async () => {
      process.stderr.write("error: 'load' has not landed yet\n");
      return EXIT.usage;
    }),
  );
}
