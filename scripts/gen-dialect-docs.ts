/** Writes docs/dialects.md from the dialects' data: `npm run docs:dialects`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { renderDialectDocs } from "../src/contract/dialect-docs.js";

mkdirSync("docs", { recursive: true });
writeFileSync("docs/dialects.md", renderDialectDocs());
process.stdout.write("wrote docs/dialects.md\n");
