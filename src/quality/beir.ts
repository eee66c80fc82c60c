import { join } from "node:path";
import MiniSearch from "minisearch";
import { z } from "zod";
import { mulberry32 } from "../util/prng.js";
import { DatasetError, DEFAULT_CANDIDATES, type Dataset, type DatasetOptions, type QualityQuery } from "./dataset-types.js";
import { querySeed, shuffle } from "./seeds.js";
import { readJsonl, readLines } from "./jsonl.js";

// A BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) evaluated by BEIR's reranking
// protocol: a first-stage lexical retriever picks the top K of the corpus for each query, the
// target reranks those K, and the ranking is judged against all of the query's qrels.

const Id = z.union([z.string().min(1), z.number()]).transform(String);
const CorpusRecord = z.looseObject({ _id: Id, title: z.string().optional().nullable(), text: z.string() });
const QueryRecord = z.looseObject({ _id: Id, text: z.string() });

/** Elasticsearch's BM25 settings, which BEIR's lexical baseline ran with (k1 1.2, b 0.75); d 0: plain BM25, not BM25+. */
export const FIRST_STAGE_BM25 = { k: 1.2, b: 0.75, d: 0 } as const;

export const SKIP_NO_RELEVANT = "no relevant document in qrels";
export const SKIP_NO_QUERY_TEXT = "in qrels but not in queries.jsonl";

export async function openBeir(dir: string, options: DatasetOptions): Promise<Dataset> {
  const k = options.candidates ?? DEFAULT_CANDIDATES;
  const seed = options.seed ?? 1;
  const qrels = await readQrels(join(dir, "qrels", "test.tsv"));
  const queryText = new Map<string, string>();
  const queriesFile = join(dir, "queries.jsonl");
  for await (const { line, value } of readJsonl(queriesFile, QueryRecord)) {
    if (queryText.has(value._id)) throw new DatasetError(queriesFile, line, `query id ${JSON.stringify(value._id)} appears twice`);
    if (qrels.has(value._id)) queryText.set(value._id, value.text); // only judged queries are evaluated (as trec_eval)
  }

  // The corpus is indexed once; MiniSearch keeps the postings, the texts stay in a map until the
  // candidates are known, then only the candidates' texts are kept.
  const corpusFile = join(dir, "corpus.jsonl");
  const index = new MiniSearch<{ id: string; title: string; text: string }>({ fields: ["title", "text"], searchOptions: { bm25: FIRST_STAGE_BM25 } });
  let texts = new Map<string, string>();
  for await (const { line, value } of readJsonl(corpusFile, CorpusRecord)) {
    if (texts.has(value._id)) throw new DatasetError(corpusFile, line, `document id ${JSON.stringify(value._id)} appears twice`);
    const title = value.title ?? "";
    // What BEIR's reranker is given: title and text joined by a space.
    texts.set(value._id, `${title} ${value.text}`.trim());
    index.add({ id: value._id, title, text: value.text });
  }
  if (texts.size === 0) throw new DatasetError(corpusFile, undefined, "the corpus is empty");

  const skipped: Record<string, number> = {};
  const skip = (why: string) => void (skipped[why] = (skipped[why] ?? 0) + 1);
  const retrieved: Array<{ id: string; text: string; ids: string[] }> = [];
  for (const [qid, judged] of qrels) {
    if (![...judged.values()].some((rel) => rel > 0)) {
      skip(SKIP_NO_RELEVANT);
      continue;
    }
    const text = queryText.get(qid);
    if (text === undefined) {
      skip(SKIP_NO_QUERY_TEXT);
      continue;
    }
    const hits = index.search(text, { combineWith: "OR" }).slice(0, k);
    retrieved.push({ id: qid, text, ids: hits.map((h) => String(h.id)) });
  }
  if (retrieved.length === 0)
    throw new DatasetError(join(dir, "qrels", "test.tsv"), undefined, "no judged query with a relevant document and a text in queries.jsonl");
  const keep = new Map<string, string>();
  for (const q of retrieved) for (const id of q.ids) keep.set(id, texts.get(id)!);
  texts = keep;

  return {
    format: "beir",
    path: dir,
    queries: retrieved.length,
    skipped,
    candidates: k,
    async *iterate(): AsyncGenerator<QualityQuery> {
      for (const [i, q] of retrieved.entries()) {
        const ids = shuffle([...q.ids], mulberry32(querySeed(seed, i)));
        yield { id: q.id, text: q.text, candidates: ids.map((id) => ({ id, text: texts.get(id)! })), qrels: qrels.get(q.id)! };
      }
    },
  };
}

/** qrels/test.tsv: `query-id<TAB>corpus-id<TAB>score`, with or without BEIR's header line. */
export async function readQrels(file: string): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  for await (const { line, text } of readLines(file)) {
    const cols = text.split("\t");
    if (line === 1 && cols.length === 3 && !/^-?\d+$/.test(cols[2]!.trim())) continue; // the header
    if (cols.length !== 3) throw new DatasetError(file, line, `expected 3 tab-separated columns (query-id, corpus-id, score), got ${cols.length}`);
    const [qid, docid, score] = cols.map((c) => c.trim()) as [string, string, string];
    if (!qid || !docid) throw new DatasetError(file, line, "empty query-id or corpus-id");
    if (!/^-?\d+$/.test(score)) throw new DatasetError(file, line, `score ${JSON.stringify(score)} is not an integer`);
    let judged = out.get(qid);
    if (!judged) out.set(qid, (judged = new Map()));
    judged.set(docid, Number(score));
  }
  if (out.size === 0) throw new DatasetError(file, undefined, "no judgements");
  return out;
}
