// @ts-nocheck
// A small strict XML parser for tests: elements, attributes, text, the five predefined
// entities and numeric references. It throws on anything not well-formed, which is the point.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) throw new Error(`bad character data near offset ${where}: ${raw.slice(0, 40)}`);
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, e: string) =>
    e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const s = source.replace(/^\uFEFF/, "");
  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(s.slice(pos))![0].length;
      pos += ws;
      if (s.startsWith("<?", pos)) pos = s.indexOf("?>", pos) + 2;
      else if (s.startsWith("<!--", pos)) pos = s.indexOf("-->", pos) + 3;
      else return;
      if (pos < 2) throw new Error("unterminated declaration or comment");
    }
  };
  const element = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(s.slice(pos));
    if (!open) throw new Error(`expected an element at offset ${pos}: ${s.slice(pos, pos + 40)}`);
    const el: XmlElement = { name: open[1]!, attrs: {}, children: [], text: "" };
    for (const a of open[2]!.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} on <${el.name}>`);
      el.attrs[a[1]!] = decode(a[2] ?? a[3] ?? "", pos);
    }
    pos += open[0].length;
    if (open[3] === "/") return el;
    for (;;) {
      const lt = s.indexOf("<", pos);
      if (lt < 0) throw new Error(`unclosed <${el.name}>`);
      el.text += decode(s.slice(pos, lt), pos);
      pos = lt;
      if (s.startsWith("</", pos)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(s.slice(pos));
        if (!close || close[1] !== el.name) throw new Error(`<${el.name}> closed by ${s.slice(pos, pos + 30)}`);
        pos += close[0].length;
        return el;
      }
      if (s.startsWith("<!--", pos)) {
        pos = s.indexOf("-->", pos) + 3;
        continue;
      }
      el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (pos !== s.length) throw new Error(`content after the root element at offset ${pos}`);
  return root;
}

/** Every descendant element with this name, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
