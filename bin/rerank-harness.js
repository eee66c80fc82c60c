#!/usr/bin/env node
// The `rerank-harness` command. An installed package runs its build (dist/src/cli.js). A clone
// works before `npm run build` too: without dist/ it runs the TypeScript source through tsx (a
// dev dependency, there after `npm ci`). This file is committed, so npm and npx always find the
// bin, whatever was built when they linked it.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, "dist", "src", "cli.js");
const source = join(root, "src", "cli.ts");

if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    process.stderr.write(
      `rerank-harness: not built (no ${built}) and tsx, which runs the source, is not installed.\n` +
        `next: in the clone, run \`npm ci\` (installs tsx) or \`npm run build\`\n`,
    );
    process.exit(2);
  }
  register();
  await import(pathToFileURL(source).href);
} else {
  process.stderr.write(`rerank-harness: neither ${built} nor ${source} exists: this installation is incomplete; reinstall rerank-harness\n`);
  process.exit(2);
}
