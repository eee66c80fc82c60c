import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The harness's package folder, from src/ (tsx, vitest) or dist/src/ (built) alike. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "rerank-harness") return (root = dir);
    dir = dirname(dir);
  }
  throw new Error("cannot find the rerank-harness package root (package.json) above " + fileURLToPath(import.meta.url));
}

export function packageFile(relative: string): string {
  return join(packageRoot(), relative);
}

/** The harness's own version (the HAR's creator, for one). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
}
