/**
 * Remembers the token ids of each space-separated chunk of text ("Paris,", "capital"), for
 * tokenizers whose pipeline never joins anything across a space: a BERT-style normalizer, a
 * whitespace-splitting pre-tokenizer and a WordPiece or WordLevel model. For those, tokenizing a
 * text equals tokenizing its chunks one by one and joining the ids, so a chunk seen before costs
 * a map lookup instead of the JS tokenizer's ~2 µs per token (the largest cost on the server's
 * HTTP thread). Other pipelines (SentencePiece, byte-level BPE) do not qualify: see `chunkCacheFor`.
 */

/** Chunks longer than this are tokenized but not kept (URLs, hashes: rarely seen twice). */
const MAX_KEPT_CHUNK = 48;
/** Chunks per generation: the cache holds up to two generations (~10 MB of short chunks at most). */
const GENERATION_SIZE = 32_768;

const EMPTY: readonly number[] = [];

export interface Separator {
  /** A special token's text: the tokenizer matches it before normalizing, so it comes back whole. */
  content: string;
  id: number;
}

export class ChunkTokenCache {
  /** Two generations: a chunk used in the last generation moves up; the older one is dropped whole. */
  private recent = new Map<string, readonly number[]>();
  private older = new Map<string, readonly number[]>();

  constructor(
    /** The tokenizer itself: ids of a text, without special tokens. */
    private readonly encodeText: (text: string) => number[],
    private readonly separator: Separator,
    private readonly generationSize = GENERATION_SIZE,
  ) {}

  /** The ids `encodeText(text)` gives, from remembered chunks where it can. */
  tokenize(text: string): number[] {
    const chunks = text.split(" ");
    const found: Array<readonly number[] | undefined> = new Array(chunks.length);
    const missing = new Map<string, readonly number[]>();
    chunks.forEach((chunk, i) => {
      if (chunk === "") found[i] = EMPTY;
      else if (!(found[i] = this.lookup(chunk))) missing.set(chunk, EMPTY);
    });
    if (missing.size > 0) this.fill(missing);
    const ids: number[] = [];
    chunks.forEach((chunk, i) => {
      for (const id of found[i] ?? missing.get(chunk)!) ids.push(id);
    });
    return ids;
  }

  /**
   * Tokenizes the chunks not remembered in one call, joined by the separator token, and splits the
   * ids at it; a chunk holding the separator's text itself gives one part too many, and then each
   * chunk is tokenized alone.
   */
  private fill(missing: Map<string, readonly number[]>): void {
    const chunks = [...missing.keys()];
    const parts = splitAt(this.encodeText(chunks.join(` ${this.separator.content} `)), this.separator.id);
    chunks.forEach((chunk, i) => {
      const ids = parts.length === chunks.length ? parts[i]! : this.encodeText(chunk);
      missing.set(chunk, ids);
      if (chunk.length <= MAX_KEPT_CHUNK) this.keep(chunk, ids);
    });
  }

  private lookup(chunk: string): readonly number[] | undefined {
    const ids = this.recent.get(chunk);
    if (ids) return ids;
    const old = this.older.get(chunk);
    if (old) this.keep(chunk, old);
    return old;
  }

  private keep(chunk: string, ids: readonly number[]): void {
    if (this.recent.size >= this.generationSize) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(chunk, ids);
  }
}

function splitAt(ids: number[], separator: number): number[][] {
  const parts: number[][] = [[]];
  for (const id of ids) {
    if (id === separator) parts.push([]);
    else parts[parts.length - 1]!.push(id);
  }
  return parts;
}

/** Normalizers that change characters one by one (or within a run of non-space characters). */
const CHUNKWISE_NORMALIZERS = new Set(["BertNormalizer", "Lowercase", "NFD", "NFKD", "NFC", "NFKC", "StripAccents"]);
/** Pre-tokenizers that split at every space and never join across one. */
const SPACE_SPLITTING_PRE_TOKENIZERS = new Set(["BertPreTokenizer", "Whitespace", "WhitespaceSplit"]);
/** Models that tokenize each pre-tokenized word on its own. */
const WORDWISE_MODELS = new Set(["WordPiece", "WordLevel"]);

/**
 * A cache for the tokenizer described by `tokenizerJson` (HF tokenizer.json), or undefined where
 * tokenizing chunk by chunk could differ from tokenizing the whole text.
 */
export function chunkCacheFor(tokenizerJson: Record<string, unknown>, encodeText: (text: string) => number[]): ChunkTokenCache | undefined {
  const model = tokenizerJson.model as { type?: string; unk_token?: string } | undefined;
  if (!WORDWISE_MODELS.has(model?.type ?? "")) return undefined;
  if (!allOf(tokenizerJson.normalizer, "normalizers", CHUNKWISE_NORMALIZERS, true)) return undefined;
  if (!allOf(tokenizerJson.pre_tokenizer, "pretokenizers", SPACE_SPLITTING_PRE_TOKENIZERS, false)) return undefined;
  const added = (tokenizerJson.added_tokens ?? []) as Array<{ id: number; content: string; special?: boolean }>;
  // An added token is matched in the raw text: one with a space inside could span two chunks.
  if (added.some((t) => /\s/.test(t.content))) return undefined;
  const separator = added.find((t) => t.special && t.content !== model?.unk_token);
  return separator ? new ChunkTokenCache(encodeText, { content: separator.content, id: separator.id }) : undefined;
}

/** Whether a normalizer or pre-tokenizer (or a Sequence of them) is made only of `allowed` types. */
function allOf(component: unknown, listKey: string, allowed: Set<string>, noneAllowed: boolean): boolean {
  if (component === null || component === undefined) return noneAllowed;
  const c = component as Record<string, unknown>;
  if (c.type === "Sequence") {
    const inner = c[listKey];
    return Array.isArray(inner) && inner.length > 0 && inner.every((i) => allOf(i, listKey, allowed, false));
  }
  return typeof c.type === "string" && allowed.has(c.type);
}
