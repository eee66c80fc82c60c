import { z } from "zod";
import { mulberry32 } from "../util/prng.js";
import { DatasetError, type Dataset, type DatasetOptions, type QualityQuery } from "./dataset-types.js";
import { querySeed, shuffle } from "./seeds.js";
import { readJsonl } from "./jsonl.js";

/**
 * One line of an MTEB reranking file (e.g. mteb/scidocs-reranking): the query, and the given
 * candidates split into relevant (`positive`, relevance 1) and not (`negative`, relevance 0).
 */
export const MtebRecord = z.looseObject({
  query: z.string().min(1),
  positive: z.array(z.string()),
  negative: z.array(z.string()),
  id: z.union([z.string(), z.number()]).optional(),
  _id: z.union([z.string(), z.number()]).optional(),
  query_id: z.union([z.string(), z.number()]).optional(),
});
export type MtebRecord = z.infer<typeof MtebRecord>;

export const SKIP_NO_POSITIVE = "no relevant document";
export const SKIP_NO_NEGATIVE = "no negative document";

/**
 * Validates the whole file once (streaming, so its size does not matter) and counts what will be
 * evaluated; `iterate()` streams it again. Like MTEB's RerankingEvaluator, records without a
 * positive or without a negative are skipped: they say nothing about ranking.
 */
export async function openMteb(path: string, options: DatasetOptions): Promise<Dataset> {
  const seed = options.seed ?? 1;
  const skipped: Record<string, number> = {};
  let queries = 0;
  const ids = new Set<string>();
  for await (const { line, value } of readJsonl(path, MtebRecord)) {
    const why = skipReason(value);
    if (why) {
      skipped[why] = (skipped[why] ?? 0) + 1;
      continue;
    }
    const id = queryId(value, line);
    if (ids.has(id)) throw new DatasetError(path, line, `query id ${JSON.stringify(id)} appears twice`);
    ids.add(id);
    queries++;
  }
  if (queries === 0)
    throw new DatasetError(
      path,
      undefined,
      `no query with both a positive and a negative document${Object.keys(skipped).length ? "" : " (the file is empty)"}`,
    );
  return {
    format: "mteb",
    path,
    queries,
    skipped,
    candidates: null,
    async *iterate(): AsyncGenerator<QualityQuery> {
      let index = 0;
      for await (const { line, value } of readJsonl(path, MtebRecord)) {
        if (skipReason(value)) continue;
        yield toQuery(value, queryId(value, line), seed, index++);
      }
    },
  };
}

function skipReason(r: MtebRecord): string | undefined {
  if (r.positive.length === 0) return SKIP_NO_POSITIVE;
  if (r.negative.length === 0) return SKIP_NO_NEGATIVE;
  return undefined;
}

function queryId(r: MtebRecord, line: number): string {
  const id = r.query_id ?? r._id ?? r.id;
  return id !== undefined ? String(id) : `line-${line}`;
}

/**
 * The candidates in a seeded order, named d000, d001… by that order. Document ids only matter
 * for ties (trec_eval breaks them by id, descending), so ties fall in a seeded, label-blind
 * order rather than favouring positives.
 */
export function toQuery(r: MtebRecord, id: string, seed: number, index: number): QualityQuery {
  const docs = shuffle([...r.positive.map((text) => ({ text, rel: 1 })), ...r.negative.map((text) => ({ text, rel: 0 }))], mulberry32(querySeed(seed, index)));
  const width = String(docs.length - 1).length;
  const candidates = docs.map((d, i) => ({ id: `d${String(i).padStart(Math.max(3, width), "0")}`, text: d.text }));
  return { id, text: r.query, candidates, qrels: new Map(docs.map((d, i) => [candidates[i]!.id, d.rel])) };
}
