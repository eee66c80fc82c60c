import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDataset } from "../../src/quality/dataset.js";
import { evaluateDataset, RankError, type Ranker } from "../../src/quality/evaluate.js";
import { lexicalScore } from "../servers/vllm-like.js";
import { makeQueries, writeMteb } from "./datasets.js";

const dir = mkdtempSync(join(tmpdir(), "rh-evaluate-"));
const file = join(dir, "m.jsonl");
writeMteb(file, makeQueries(8));

describe("evaluateDataset", () => {
  it("splits candidates into batches within the limit and gives the same figures as one request per query", async () => {
    const d = await openDataset(file);
    const sizes: number[] = [];
    const rank: Ranker = async (query, documents) => {
      sizes.push(documents.length);
      return documents.map((doc) => lexicalScore(query, doc));
    };
    const whole = await evaluateDataset(d, rank);
    expect(sizes).toEqual(Array(8).fill(10));
    sizes.length = 0;
    const batched = await evaluateDataset(d, rank, { batchSize: 4 });
    expect(sizes).toEqual(Array(8).fill([4, 4, 2]).flat());
    expect(batched).toEqual({ ...whole, batch_size: 4, requests: 24 });
  });

  it("a query the target cannot score is counted and left out of the averages", async () => {
    const d = await openDataset(file);
    let n = 0;
    const progress: number[] = [];
    const r = await evaluateDataset(
      d,
      async (query, documents) => {
        if (n++ === 2) throw new RankError("HTTP 500: boom");
        return documents.map((doc) => lexicalScore(query, doc));
      },
      { onProgress: (done, total) => progress.push(done * 100 + total) },
    );
    expect(r).toMatchObject({ queries: 7, failed_queries: 1, failures: ["line-3: HTTP 500: boom"] });
    expect(r.per_query.map((q) => q.query_id)).not.toContain("line-3");
    expect(progress).toEqual([108, 208, 308, 408, 508, 608, 708, 808]);
  });

  it("a wrong number of scores fails the query, another error propagates", async () => {
    const d = await openDataset(file);
    const short = await evaluateDataset(d, async () => [1, 2]);
    expect(short).toMatchObject({ queries: 0, failed_queries: 8, ndcg_at_10: null });
    expect(short.failures[0]).toBe("line-1: 2 scores for 10 documents");
    await expect(evaluateDataset(d, async () => Promise.reject(new TypeError("bug")))).rejects.toThrow("bug");
  });
});
