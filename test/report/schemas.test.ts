import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderJsonSchemas } from "../../src/report/json-schemas.js";

// The report files' conventions: snake_case field names (the in-memory reports' own, as the zod
// schemas define them), a schema_version in each, and published JSON Schemas generated from the zod ones.

describe("report JSON conventions", () => {
  it("schemas/*.schema.json are what `npm run schemas` generates from the zod schemas (in sync)", () => {
    const rendered = renderJsonSchemas();
    const published = readdirSync("schemas")
      .filter((f) => f.endsWith(".schema.json"))
      .sort();
    expect(published).toEqual(Object.keys(rendered).sort());
    for (const [file, text] of Object.entries(rendered)) expect(readFileSync(`schemas/${file}`, "utf8"), `schemas/${file}: run npm run schemas`).toBe(text);
  });

  it("every published schema pins schema_version and uses snake_case field names only", () => {
    for (const text of Object.values(renderJsonSchemas())) {
      const schema = JSON.parse(text);
      expect(schema.properties.schema_version).toMatchObject({ const: 2 });
      expect(schema.required).toContain("schema_version");
      const keys: string[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (!node || typeof node !== "object") return;
        for (const [k, v] of Object.entries(node)) {
          if (k === "properties") keys.push(...Object.keys(v as object));
          walk(v);
        }
      };
      walk(schema);
      expect(keys.length).toBeGreaterThan(10);
      expect(keys.filter((k) => !/^[a-z0-9_]+$/.test(k))).toEqual([]);
    }
  });
});
