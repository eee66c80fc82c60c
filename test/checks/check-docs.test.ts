import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { renderCheckDocs } from "../../src/checks/catalogue-docs.js";
import { CATALOGUE, resolveSource } from "../../src/checks/catalogue/index.js";
import { listDialects } from "../../src/contract/registry.js";

test("docs/checks.md is in sync with the catalogue (regenerate: npm run docs:checks)", () => {
  expect(readFileSync("docs/checks.md", "utf8")).toBe(renderCheckDocs());
});

test("it gives every check its id, level, statement and each applicable dialect's source, and cites no internal document", () => {
  const text = renderCheckDocs();
  for (const c of CATALOGUE) {
    expect(text).toContain(`### \`${c.id}\` (${c.level})`);
    expect(text).toContain(c.statement);
    for (const d of listDialects()) if (c.skipReason(d) === null) expect(text).toContain(resolveSource(c, d));
  }
  for (const d of listDialects()) for (const f of d.knownFaults) expect(text).toContain(f.reason);
  expect(text).not.toMatch(/CONTRACTS\.md|ANCHORS\.md|DESIGN\.md/);
});
