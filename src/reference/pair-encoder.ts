import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { InputTooLongError, InvalidModelError } from "./errors.js";
import { chunkCacheFor } from "./chunk-token-cache.js";

/** One tokenized (query, document) pair; its attention mask is all ones. */
export interface EncodedPair {
  ids: number[];
  typeIds: number[];
}

export interface EncodeOptions {
  /** Truncate longest-first to fit (default); false: throw InputTooLongError instead. */
  truncate?: boolean;
  /** A tighter limit than the model's own (vLLM's truncate_prompt_tokens). */
  maxLength?: number;
}

type Piece = { special: number[]; typeId: number } | { sequence: "A" | "B"; typeId: number };

/**
 * Builds model inputs for (query, document) pairs from a Hugging Face tokenizer.json. The JS
 * tokenizer cannot truncate, so both sides are tokenized without special tokens, truncated
 * longest-first, and then wrapped in the pair template read from the post-processor.
 */
export class PairEncoder {
  /** Special tokens the pair template adds. */
  readonly specialCount: number;
  private readonly queryCache = new Map<string, number[]>();

  private constructor(
    /** Ids of a text without special tokens: the tokenizer, through a chunk cache where its pipeline allows one. */
    private readonly encodeText: (text: string) => number[],
    private readonly template: Piece[],
    readonly maxLength: number,
  ) {
    this.specialCount = template.reduce((n, p) => n + ("special" in p ? p.special.length : 0), 0);
  }

  static async load(tokenizerPath: string, tokenizerConfigPath: string | undefined, modelConfig: Record<string, unknown>) {
    const tokenizerJson = JSON.parse(await readFile(tokenizerPath, "utf8")) as Record<string, unknown>;
    const tokenizerConfig = tokenizerConfigPath ? (JSON.parse(await readFile(tokenizerConfigPath, "utf8")) as Record<string, unknown>) : {};
    const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    const encodeText = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;
    const cache = chunkCacheFor(tokenizerJson, encodeText);
    return new PairEncoder(
      cache ? (text) => cache.tokenize(text) : encodeText,
      pairTemplate(tokenizerJson.post_processor),
      maxLengthOf(tokenizerConfig, modelConfig),
    );
  }

  /** Token ids of `text` without special tokens; the query side is cached across documents. */
  tokenize(text: string, limit?: number): number[] {
    // Bound the work for huge inputs: a prefix that already yields well over `limit` tokens
    // tokenizes identically to the whole text up to `limit` (a cut word spans < 100 chars).
    if (limit !== undefined && text.length > limit * 16) {
      const ids = this.encodeText(text.slice(0, limit * 16));
      if (ids.length > limit + 100) return ids.slice(0, limit + 100);
    }
    return this.encodeText(text);
  }

  encode(query: string, document: string, opts: EncodeOptions = {}): EncodedPair {
    const truncate = opts.truncate ?? true;
    const maxLength = Math.min(opts.maxLength ?? this.maxLength, this.maxLength);
    let q = this.queryCache.get(query);
    if (!q) {
      q = this.tokenize(query, truncate ? maxLength : undefined);
      if (this.queryCache.size > 1024) this.queryCache.clear();
      this.queryCache.set(query, q);
    }
    let d = this.tokenize(document, truncate ? maxLength : undefined);
    const budget = Math.max(0, maxLength - this.specialCount);
    const total = q.length + d.length;
    if (total > budget) {
      if (!truncate) throw new InputTooLongError(maxLength, total + this.specialCount);
      const [qLen, dLen] = longestFirst(q.length, d.length, budget);
      q = q.slice(0, qLen);
      d = d.slice(0, dLen);
    }
    const ids: number[] = [];
    const typeIds: number[] = [];
    for (const piece of this.template) {
      const tokens = "special" in piece ? piece.special : piece.sequence === "A" ? q : d;
      for (const t of tokens) {
        ids.push(t);
        typeIds.push(piece.typeId);
      }
    }
    return { ids, typeIds };
  }
}

/** HF's longest-first truncation: drop one token at a time from whichever side is longer. */
export function longestFirst(a: number, b: number, budget: number): [number, number] {
  let excess = a + b - budget;
  if (excess <= 0) return [a, b];
  const gap = Math.min(Math.abs(a - b), excess);
  if (a > b) a -= gap;
  else b -= gap;
  excess -= gap;
  // Now equal (or done): alternate, the second sequence losing the odd token.
  b -= Math.ceil(excess / 2);
  a -= Math.floor(excess / 2);
  return [Math.max(0, a), Math.max(0, b)];
}

/** The pair template of tokenizer.json's post_processor (Template, Bert, Roberta, or a Sequence of them). */
function pairTemplate(pp: unknown): Piece[] {
  // tokenizer.json's post_processor is free-form JSON of several shapes; each branch checks what it reads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = (pp ?? {}) as Record<string, any>;
  switch (p.type) {
    case "TemplateProcessing": {
      const specials = (p.special_tokens ?? {}) as Record<string, { ids: number[] }>;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template items are checked field by field below
      return (p.pair as any[]).map((item): Piece => {
        if (item.SpecialToken) {
          const ids = specials[item.SpecialToken.id]?.ids;
          if (!ids) throw new InvalidModelError(`tokenizer.json: template token ${item.SpecialToken.id} is undefined`);
          return { special: ids, typeId: item.SpecialToken.type_id ?? 0 };
        }
        return { sequence: item.Sequence.id === "B" ? "B" : "A", typeId: item.Sequence.type_id ?? 0 };
      });
    }
    case "BertProcessing": {
      const [cls, sep] = [p.cls[1] as number, p.sep[1] as number];
      return [
        { special: [cls], typeId: 0 },
        { sequence: "A", typeId: 0 },
        { special: [sep], typeId: 0 },
        { sequence: "B", typeId: 1 },
        { special: [sep], typeId: 1 },
      ];
    }
    case "RobertaProcessing": {
      const [cls, sep] = [p.cls[1] as number, p.sep[1] as number];
      return [
        { special: [cls], typeId: 0 },
        { sequence: "A", typeId: 0 },
        { special: [sep, sep], typeId: 0 },
        { sequence: "B", typeId: 0 },
        { special: [sep], typeId: 0 },
      ];
    }
    case "Sequence": {
      for (const inner of p.processors ?? []) {
        if (["TemplateProcessing", "BertProcessing", "RobertaProcessing"].includes(inner?.type)) return pairTemplate(inner);
      }
      return plainPair();
    }
    default:
      return plainPair();
  }
}

function plainPair(): Piece[] {
  return [
    { sequence: "A", typeId: 0 },
    { sequence: "B", typeId: 1 },
  ];
}

/** The usable context: tokenizer's model_max_length, capped by the position table. */
function maxLengthOf(tokenizerConfig: Record<string, unknown>, config: Record<string, unknown>): number {
  const limits: number[] = [];
  const mml = tokenizerConfig.model_max_length;
  if (typeof mml === "number" && mml > 0 && mml < 1e6) limits.push(mml);
  const positions = config.max_position_embeddings;
  if (typeof positions === "number" && positions > 0) {
    // RoBERTa-family position tables reserve padding_idx + 1 slots.
    const roberta = typeof config.model_type === "string" && /roberta/.test(config.model_type);
    limits.push(roberta ? positions - 2 : positions);
  }
  return limits.length ? Math.min(...limits) : 512;
}
