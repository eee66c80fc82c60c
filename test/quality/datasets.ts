import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "../../src/util/prng.js";

// Labelled data sets made by the tests. Every query has its own term (q7term); each document
// repeats it a different number of times, so the lexical test server gives every document of a
// query a different score (no ties) and the first-stage retriever finds exactly the documents
// that mention the term. Relevance follows the repeats only loosely, so a good ranker is not perfect.

export interface TestDoc {
  id: string;
  text: string;
  /** Times the query's term appears (0: the retriever cannot find it). */
  hits: number;
  rel: number;
}
export interface TestQuery {
  id: string;
  query: string;
  docs: TestDoc[];
}

const FILLER = "lorem ipsum dolor sit amet consectetur";

export function makeQueries(n: number, options: { graded?: boolean; seed?: number } = {}): TestQuery[] {
  const rng = mulberry32(options.seed ?? 5);
  return Array.from({ length: n }, (_, i) => {
    const term = `q${i}term`;
    const docs: TestDoc[] = [];
    for (let hits = 0; hits <= 9; hits++) {
      const p = hits / 10;
      const r = rng();
      const rel = r < p * 0.7 ? (options.graded && r < p * 0.35 ? 2 : 1) : 0;
      docs.push({ id: `doc-${i}-${hits}`, text: `${`${term} `.repeat(hits)}${FILLER} ${i}`.trim(), hits, rel });
    }
    if (!docs.some((d) => d.rel > 0 && d.hits > 0)) docs[9]!.rel = 1;
    // A relevant document the query's term is not in: judged, so it counts in the ideal ranking.
    if (i % 2 === 0) docs[0]!.rel = 1;
    else docs[0]!.rel = 0;
    return { id: `q${i}`, query: `what is ${term}`, docs };
  });
}

/** MTEB reranking JSONL: {query, positive, negative} per line (documents listed in a jumbled order). */
export function writeMteb(file: string, queries: readonly TestQuery[], extraLines: string[] = []): void {
  const lines = queries.map((q) =>
    JSON.stringify({
      query: q.query,
      positive: q.docs.filter((d) => d.rel > 0).map((d) => d.text),
      negative: q.docs
        .filter((d) => d.rel === 0)
        .map((d) => d.text)
        .reverse(),
    }),
  );
  writeFileSync(file, [...lines, ...extraLines].join("\n") + "\n");
}

/** A BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv (with the header), graded. */
export function writeBeir(dir: string, queries: readonly TestQuery[], options: { unjudgedQuery?: boolean } = {}): void {
  mkdirSync(join(dir, "qrels"), { recursive: true });
  const corpus = queries.flatMap((q) => q.docs.map((d) => JSON.stringify({ _id: d.id, title: "", text: d.text })));
  writeFileSync(join(dir, "corpus.jsonl"), corpus.join("\n") + "\n");
  const qs = queries.map((q) => JSON.stringify({ _id: q.id, text: q.query }));
  const qrels = ["query-id\tcorpus-id\tscore", ...queries.flatMap((q) => q.docs.map((d) => `${q.id}\t${d.id}\t${d.rel}`))];
  if (options.unjudgedQuery) {
    qs.push(JSON.stringify({ _id: "q-none", text: "what is q0term" }));
    qrels.push("q-none\tdoc-0-3\t0");
  }
  writeFileSync(join(dir, "queries.jsonl"), qs.join("\n") + "\n");
  writeFileSync(join(dir, "qrels", "test.tsv"), qrels.join("\n") + "\n");
}
