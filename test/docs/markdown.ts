/**
 * Just enough Markdown for the documentation tests: fenced blocks with the HTML comment that
 * marks them, headings as GitHub anchors, and relative links. The docs use plain top-level
 * fences (no fences inside lists), which is what this reads.
 */

export interface FencedBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The HTML comment on the nearest non-blank line above the fence (`<!-- x -->` gives "x"). */
  marker?: string;
}

export function fencedBlocks(md: string): FencedBlock[] {
  const lines = md.split("\n");
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    let above = start - 1;
    while (above >= 0 && lines[above]!.trim() === "") above--;
    const comment = above >= 0 ? /^<!--\s*([\s\S]*?)\s*-->\s*$/.exec(lines[above]!) : null;
    blocks.push({ lang: open[1]!, code: body.join("\n"), line: start + 1, ...(comment ? { marker: comment[1]! } : {}) });
  }
  return blocks;
}

/** Lines outside fenced blocks, with inline code blanked (links in code are not links). */
function proseLines(md: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence = false;
  md.split("\n").forEach((l, i) => {
    if (/^```/.test(l)) fence = !fence;
    else if (!fence) out.push({ text: l.replace(/`[^`]*`/g, (m) => " ".repeat(m.length)), line: i + 1 });
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
export function headingAnchors(md: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const l of md.split("\n")) {
    if (/^```/.test(l)) fence = !fence;
    const h = fence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l);
    if (!h) continue;
    const text = h[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links `[text](target)` outside code, with their line. */
export function links(md: string): Link[] {
  const found: Link[] = [];
  for (const { text, line } of proseLines(md)) {
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) found.push({ target: m[1]!, line });
  }
  return found;
}
