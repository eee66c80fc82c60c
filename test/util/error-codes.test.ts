import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXIT_CODE_FOR_KIND, HarnessError, type ErrorKind } from "../../src/util/errors.js";

// Every error the harness throws on purpose has one stable code (RH_ + upper snake case), unique
// across src/, an exit kind from the one table, and a row in docs/errors.md.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC = join(ROOT, "src");
// Entry points that act when imported (the CLI parses argv; workers talk to a parent port).
const NOT_IMPORTED = new Set(["cli.ts", "reference/session-worker.ts", "load/worker.ts"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
}

/** Stands in for any constructor argument: any property, call or string conversion works. */
const anyArg: unknown = new Proxy(function () {}, {
  get: (_t, p) => (p === Symbol.toPrimitive ? () => "x" : p === "length" ? 0 : anyArg),
  apply: () => anyArg,
});

interface Found {
  name: string;
  file: string;
  code: string;
  kind: ErrorKind;
}

async function exportedErrorClasses(): Promise<Found[]> {
  const found = new Map<unknown, Found>();
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file);
    if (NOT_IMPORTED.has(rel)) continue;
    const mod = (await import(file)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error) || found.has(value)) continue;
      if (value === HarnessError) continue;
      // Abstract bases (ReferenceError) have no code of their own: their subclasses are listed.
      let instance: unknown;
      try {
        instance = Reflect.construct(value, [anyArg, anyArg, anyArg, anyArg]);
      } catch (err) {
        throw new Error(`${rel}: cannot construct ${value.name} to read its code: ${(err as Error).message}`);
      }
      const e = instance as HarnessError;
      if (!(e instanceof HarnessError)) {
        found.set(value, { name: value.name, file: rel, code: "(not a HarnessError)", kind: "internal" });
        continue;
      }
      if (e.code === undefined) continue; // abstract
      found.set(value, { name: value.name, file: rel, code: e.code, kind: e.kind });
    }
  }
  return [...found.values()];
}

describe("error codes", () => {
  it("no class in src/ extends Error directly except HarnessError", () => {
    const direct = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/class (\w+) extends Error\b/g)].map((m) => `${relative(SRC, file)}: ${m[1]}`),
    );
    expect(direct).toEqual(["util/errors.ts: HarnessError"]);
  });

  it("every exported error class has a unique RH_ code, a kind from the table, and a row in docs/errors.md", async () => {
    const classes = await exportedErrorClasses();
    // The classes named in the issue, at least: a failed import would hide them.
    expect(classes.length).toBeGreaterThan(35);
    const docs = readFileSync(join(ROOT, "docs/errors.md"), "utf8");
    for (const c of classes) {
      expect(c.code, `${c.file}: ${c.name}`).toMatch(/^RH_[A-Z][A-Z0-9_]*$/);
      expect(Object.keys(EXIT_CODE_FOR_KIND), `${c.file}: ${c.name}`).toContain(c.kind);
      const row = docs.split("\n").find((line) => line.startsWith(`| \`${c.code}\` |`));
      expect(row, `docs/errors.md has no row for ${c.code} (${c.name})`).toBeDefined();
      expect(row, `docs/errors.md: ${c.code}`).toContain(`| ${c.kind} | ${EXIT_CODE_FOR_KIND[c.kind]} |`);
    }
    const byCode = new Map<string, string[]>();
    for (const c of classes) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c.name]);
    expect([...byCode].filter(([, names]) => names.length > 1)).toEqual([]);
  }, 60_000);
});
