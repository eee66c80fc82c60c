import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetError, openDataset, type QualityQuery } from "../../src/quality/dataset.js";
import { makeQueries, writeBeir, writeMteb } from "./datasets.js";

const dir = mkdtempSync(join(tmpdir(), "rh-dataset-"));
async function all(d: { iterate(): AsyncIterable<QualityQuery> }): Promise<QualityQuery[]> {
  const out: QualityQuery[] = [];
  for await (const q of d.iterate()) out.push(q);
  return out;
}
async function errorOf(p: Promise<unknown>): Promise<DatasetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  expect((err as Error).message).not.toContain("\n");
  return err as DatasetError;
}

describe("MTEB reranking JSONL", () => {
  it("reads positives as relevance 1 and negatives as 0, skips records without either, in a seeded order", async () => {
    const file = join(dir, "m.jsonl");
    writeMteb(file, makeQueries(4), [
      JSON.stringify({ query: "nothing relevant", positive: [], negative: ["x"] }),
      "",
      JSON.stringify({ query: "only relevant", positive: ["x"], negative: [] }),
    ]);
    const d = await openDataset(file, { seed: 3 });
    expect(d).toMatchObject({ format: "mteb", queries: 4, skipped: { "no relevant document": 1, "no negative document": 1 }, candidates: null });
    const qs = await all(d);
    expect(qs).toHaveLength(4);
    expect(qs[0]!.candidates).toHaveLength(10);
    const positives = qs[0]!.candidates
      .filter((c) => qs[0]!.qrels.get(c.id) === 1)
      .map((c) => c.text)
      .sort();
    expect(positives).toEqual(
      makeQueries(4)[0]!
        .docs.filter((d) => d.rel > 0)
        .map((d) => d.text)
        .sort(),
    );
    // Seeded: the same order again, another order with another seed.
    expect((await all(d))[0]!.candidates).toEqual(qs[0]!.candidates);
    const other = await all(await openDataset(file, { seed: 4 }));
    expect(other[0]!.candidates.map((c) => c.text)).not.toEqual(qs[0]!.candidates.map((c) => c.text));
  });

  it("names the file and line of a bad record", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, `${JSON.stringify({ query: "q", positive: ["a"], negative: ["b"] })}\n\n{"query": "q", "positive": "a", "negative": []}\n`);
    expect((await errorOf(openDataset(file))).message).toBe(`${file}:3: field "positive": Invalid input: expected array, received string`);
    writeFileSync(file, `${JSON.stringify({ query: "q", positive: ["a"], negative: ["b"] })}\n{"query": "q",\n`);
    expect((await errorOf(openDataset(file))).message).toMatch(new RegExp(`^${file}:2: not JSON \\(`));
    expect((await errorOf(openDataset(join(dir, "missing.jsonl")))).message).toBe(`${join(dir, "missing.jsonl")}: cannot read it (ENOENT)`);
    writeFileSync(file, "\n");
    expect((await errorOf(openDataset(file))).message).toMatch(/no query with both a positive and a negative document/);
  });
});

describe("BEIR folder", () => {
  it("retrieves BM25 candidates per judged query, skips queries without a relevant judgement", async () => {
    const beir = join(dir, "beir");
    writeBeir(beir, makeQueries(6, { graded: true }), { unjudgedQuery: true });
    const d = await openDataset(beir, { candidates: 100, seed: 1 });
    expect(d).toMatchObject({ format: "beir", queries: 6, candidates: 100, skipped: { "no relevant document in qrels": 1 } });
    const qs = await all(d);
    // Exactly the documents that mention the query's term (hits 1..9), none of another query's.
    expect(qs[2]!.candidates.map((c) => c.id).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `doc-2-${i + 1}`).sort());
    expect(qs[2]!.qrels.get("doc-2-0")).toBe(1); // judged, not retrievable: still in the qrels
    const top3 = await all(await openDataset(beir, { candidates: 3, seed: 1 }));
    // BM25 prefers more occurrences of the term: the top 3 are the documents with 9, 8 and 7.
    expect(top3[2]!.candidates.map((c) => c.id).sort()).toEqual(["doc-2-7", "doc-2-8", "doc-2-9"]);
  });

  it("names the file and line of a bad qrels or corpus line", async () => {
    const beir = join(dir, "beir-bad");
    writeBeir(beir, makeQueries(2));
    writeFileSync(join(beir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq0\tdoc-0-1\t1\nq0 doc-0-2 1\n");
    expect((await errorOf(openDataset(beir))).message).toBe(
      `${join(beir, "qrels", "test.tsv")}:3: expected 3 tab-separated columns (query-id, corpus-id, score), got 1`,
    );
    writeFileSync(join(beir, "qrels", "test.tsv"), "q0\tdoc-0-1\t1\nq0\tdoc-0-2\thigh\n");
    expect((await errorOf(openDataset(beir))).message).toMatch(/test\.tsv:2: score "high" is not an integer$/);
    writeBeir(beir, makeQueries(2));
    writeFileSync(join(beir, "corpus.jsonl"), `${JSON.stringify({ _id: "a", text: "x" })}\n${JSON.stringify({ _id: "b" })}\n`);
    expect((await errorOf(openDataset(beir))).message).toBe(
      `${join(beir, "corpus.jsonl")}:2: field "text": Invalid input: expected string, received undefined`,
    );
    mkdirSync(join(dir, "empty-beir"));
    expect((await errorOf(openDataset(join(dir, "empty-beir")))).message).toMatch(/qrels\/test\.tsv: cannot read it \(ENOENT\)$/);
  });
});
