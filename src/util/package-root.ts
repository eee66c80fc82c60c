import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The one way the harness finds its own package folder (fixtures/, suites/, package.json),
// from src/util/ (tsx, vitest) or dist/src/util/ (built) alike.

let root: { dir: string; version: string } | undefined;

function find(): { dir: string; version: string } {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const { name, version } = JSON.parse(readFileSync(pkg, "utf8")) as { name?: string; version?: string };
      if (name === "rerank-harness") return (root = { dir, version: version ?? "unknown" });
    }
    dir = dirname(dir);
  }
  throw new Error("cannot find the rerank-harness package root (package.json) above " + fileURLToPath(import.meta.url));
}

/** The harness's package folder. */
export function packageRoot(): string {
  return find().dir;
}

/** A file of the package, e.g. `fixtures/relevance.json`. */
export function packageFile(relative: string): string {
  return join(packageRoot(), relative);
}

/** The harness's own version, from its package.json. */
export function packageVersion(): string {
  return find().version;
}
