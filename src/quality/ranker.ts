import { TransportError } from "../client/errors.js";
import { HttpClient } from "../client/http-client.js";
import { callRerank } from "../client/rerank-call.js";
import type { RerankOutput } from "../contract/common.js";
import type { Dialect } from "../contract/dialect.js";
import type { StartedTarget } from "../targets/target.js";
import { RankError, type Ranker } from "./evaluate.js";

/** One score per input document from a normalised answer; every index exactly once, else a RankError. */
export function scoresFromOutput(output: RerankOutput, documents: number): number[] {
  const scores = new Array<number | undefined>(documents).fill(undefined);
  for (const r of output.results) {
    if (r.index < 0 || r.index >= documents || scores[r.index] !== undefined) {
      throw new RankError(`${output.results.length} results for ${documents} documents (index ${r.index} out of range or repeated)`);
    }
    scores[r.index] = r.score;
  }
  const missing = scores.findIndex((s) => s === undefined);
  if (missing >= 0) throw new RankError(`${output.results.length} results for ${documents} documents (index ${missing} missing)`);
  return scores as number[];
}

/**
 * Documents per request a dialect accepts: its documented server default (TEI's
 * --max-client-batch-size 32, Infinity's 2048), or null where none is documented.
 */
export function documentsPerRequestLimit(dialect: Dialect): number | null {
  return dialect.expectations.badInput.tooManyDocuments?.limit ?? null;
}

/** A Ranker over HTTP for a started target (one connection: requests go one at a time). */
export function targetRanker(target: StartedTarget, options: { timeoutMs: number }): { rank: Ranker; close(): Promise<void> } {
  const client = new HttpClient({ baseUrl: target.baseUrl, apiKey: target.apiKey, timeoutMs: options.timeoutMs, connections: 1 });
  return {
    async rank(query, documents) {
      let call;
      try {
        call = await callRerank(client, target.dialect, { query, documents, ...(target.model !== undefined ? { model: target.model } : {}) });
      } catch (err) {
        if (err instanceof TransportError) throw new RankError(err.message);
        throw err;
      }
      if (!call.output) {
        const why = call.violation ? call.violation.message : `HTTP ${call.exchange.status}: ${call.exchange.text.trim().slice(0, 160)}`;
        throw new RankError(why);
      }
      return scoresFromOutput(call.output, documents.length);
    },
    close: () => client.close(),
  };
}
