/** Writes docs/checks.md from the check catalogue: `npm run docs:checks`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { renderCheckDocs } from "../src/checks/catalogue-docs.js";

mkdirSync("docs", { recursive: true });
writeFileSync("docs/checks.md", renderCheckDocs());
process.stdout.write("wrote docs/checks.md\n");
