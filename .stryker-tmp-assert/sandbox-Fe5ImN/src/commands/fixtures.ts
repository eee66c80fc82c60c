// @ts-nocheck
import type { Command } from "commander";
import { action, EXIT } from "../cli/errors.js";

/** `rerank-harness fixtures --out DIR`: writes the built-in fixture models in HF layout. */
export function define(program: Command): void {
  program
    .command("fixtures")
    .description("write the built-in fixture models (bm25, tiny-bert) in Hugging Face layout")
    .requiredOption("--out <dir>", "output directory; writes DIR/bm25/… and DIR/tiny-bert/…")
    .addHelpText(
      "after",
      "\nEach model directory holds config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json,\n" +
        "vocab.txt and onnx/model.onnx. The builds are deterministic: the same bytes every time.",
    )
    .action(
      action(async (flags: { out: string }) => {
        const { writeFixtureModels } = await import("../reference/fixtures.js");
        for (const dir of await writeFixtureModels(flags.out)) process.stdout.write(`${dir}\n`);
        return EXIT.ok;
      }),
    );
}
