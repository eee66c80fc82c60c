import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { renderDialectDocs } from "../../src/contract/dialect-docs.js";
import { listDialects } from "../../src/contract/registry.js";

test("docs/dialects.md is in sync with the dialects' data (regenerate: npm run docs:dialects)", () => {
  expect(readFileSync("docs/dialects.md", "utf8")).toBe(renderDialectDocs());
});

test("it names every dialect, its sources and its known faults, and no document outside this repository", () => {
  const text = renderDialectDocs();
  for (const d of listDialects()) {
    expect(text).toContain(`--dialect ${d.name}`);
    for (const s of d.sources) expect(text).toContain(s);
    for (const f of d.knownFaults) expect(text).toContain(f.check);
  }
  expect(text).not.toMatch(/CONTRACTS\.md|ANCHORS\.md|DESIGN\.md/);
});
