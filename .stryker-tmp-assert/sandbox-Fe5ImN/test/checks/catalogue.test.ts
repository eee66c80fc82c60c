// @ts-nocheck
import { describe, expect, test } from "vitest";
import { CATALOGUE, matchesOnly, resolveSource, unknownPrefixes } from "../../src/checks/catalogue/index.js";
import { CHECK_AREAS } from "../../src/checks/types.js";
import { listDialects } from "../../src/contract/registry.js";
import { relevanceSets } from "../../src/checks/data.js";
import { existsSync, readFileSync } from "node:fs";

describe("check catalogue", () => {
  test("ids are unique, stable-looking and prefixed by their area", () => {
    const ids = CATALOGUE.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CATALOGUE) {
      expect(c.id).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(c.id.startsWith(`${c.area}.`)).toBe(true);
      expect(c.statement).toMatch(/\.$|\)\.?$/);
    }
  });

  test("every area has a suite file, and every check resolves its source for every dialect", () => {
    for (const area of CHECK_AREAS) expect(existsSync(`suites/${area}.conformance.ts`)).toBe(true);
    for (const d of listDialects()) {
      for (const c of CATALOGUE) {
        expect(resolveSource(c, d).length).toBeGreaterThan(3);
        const skip = c.skipReason(d);
        expect(skip === null || skip.length > 0).toBe(true);
      }
    }
  });

  test("checks never branch on a dialect's name (they read its expectations)", () => {
    const files = ["schema", "sort", "top-n", "documents", "scores", "invariance", "input", "paths", "errors", "usage", "auth", "fuzz"];
    for (const f of files) {
      const code = readFileSync(`src/checks/catalogue/${f}.ts`, "utf8");
      expect(code, f).not.toMatch(/\.name\s*===|["'](vllm|tei|infinity|jina|llamacpp|cohere-v[12])["']/);
    }
  });

  test("--only matches by prefix; unknown prefixes are reported", () => {
    expect(matchesOnly("errors.malformed_json", ["errors."])).toBe(true);
    expect(matchesOnly("errors.malformed_json", ["sort.", "errors.malformed"])).toBe(true);
    expect(matchesOnly("sort.ties", ["errors."])).toBe(false);
    expect(unknownPrefixes(["sort.", "nope"])).toEqual(["nope"]);
  });

  test("the labelled relevance fixtures are consistent", () => {
    const sets = relevanceSets();
    expect(sets.length).toBeGreaterThanOrEqual(21);
    expect(sets.some((s) => s.id === "seed-france")).toBe(true);
    for (const s of sets) expect(s.relevant).toBeLessThan(s.documents.length);
  });
});
