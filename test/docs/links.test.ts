/**
 * Every relative link in the README, CONTRIBUTING, ARCHITECTURE and docs/*.md points to a file
 * that exists, and a `#anchor` to a heading of that file (GitHub's anchors) when it is Markdown.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fencedBlocks, headingAnchors, links } from "./markdown.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

const pages = [
  ...["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"].filter((f) => existsSync(join(REPO, f))),
  ...readdirSync(join(REPO, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** What is wrong with one link of `page`, or undefined when it resolves. */
function broken(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: not this test's job
  const [path, anchor] = target.split("#", 2) as [string, string | undefined];
  const file = path === "" ? join(REPO, page) : join(REPO, dirname(page), decodeURIComponent(path));
  if (!existsSync(file)) return `no such file: ${relative(REPO, file)}`;
  if (anchor === undefined || !file.endsWith(".md") || statSync(file).isDirectory()) return undefined;
  const anchors = headingAnchors(readFileSync(file, "utf8"));
  return anchors.has(decodeURIComponent(anchor).toLowerCase()) ? undefined : `no heading #${anchor} in ${relative(REPO, file)}`;
}

describe("documentation links", () => {
  it("finds the pages it checks, and links in them", () => {
    expect(pages).toContain("README.md");
    expect(pages).toContain("docs/verification.md");
    expect(links(readFileSync(join(REPO, "README.md"), "utf8")).length).toBeGreaterThan(10);
  });

  it.each(pages)("%s: every relative link resolves", (page) => {
    const md = readFileSync(join(REPO, page), "utf8");
    const problems = links(md)
      .map(({ target, line }) => ({ line, target, why: broken(page, target) }))
      .filter((p) => p.why !== undefined)
      .map((p) => `${page}:${p.line}: (${p.target}) ${p.why}`);
    expect(problems).toEqual([]);
  });

  it("the checker itself: a missing file, a missing anchor and a link in code are told apart", () => {
    expect(broken("README.md", "docs/nope.md")).toMatch(/no such file: docs\/nope\.md/);
    expect(broken("README.md", "docs/verification.md#nope")).toMatch(/no heading #nope/);
    expect(broken("README.md", "docs/verification.md#self-test-catch-rate")).toBeUndefined();
    expect(broken("docs/load.md", "../README.md")).toBeUndefined();
    expect(links("see `[x](nowhere.md)` and [y](there.md)\n```\n[z](code.md)\n```").map((l) => l.target)).toEqual(["there.md"]);
    expect([...headingAnchors("# A: b, `c`\n## A: b, `c`\n## Your own data: NDCG@10")]).toEqual(["a-b-c", "a-b-c-1", "your-own-data-ndcg10"]);
    expect(fencedBlocks("<!-- not-run: x -->\n\n```bash\nls\n```").map((b) => b.marker)).toEqual(["not-run: x"]);
  });
});
