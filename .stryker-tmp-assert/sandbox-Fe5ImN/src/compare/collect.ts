// @ts-nocheck
import { HttpClient } from "../client/http-client.js";
import { TransportError } from "../client/errors.js";
import { callRerank } from "../client/rerank-call.js";
import type { StartedTarget } from "../targets/target.js";
import type { SetScores } from "./agreement.js";

/** A labelled query set (fixtures/relevance.json): one relevant document per query. */
export interface LabelledSet {
  id: string;
  query: string;
  documents: string[];
  relevant: number;
}

export interface CollectedScores {
  /** Per set, the score of every document by input index; undefined where the set failed. */
  sets: SetScores[];
  /** Why sets failed, "id: reason", in set order. */
  failures: string[];
  /** The model name the server reported, when it reported one. */
  reportedModel?: string;
}

/**
 * Scores every labelled set on one target, one request per set, sequentially (the same requests
 * for every target). A set counts only if every document came back exactly once.
 */
export async function collectScores(target: StartedTarget, sets: readonly LabelledSet[], options: { timeoutMs: number }): Promise<CollectedScores> {
  const client = new HttpClient({ baseUrl: target.baseUrl, apiKey: target.apiKey, timeoutMs: options.timeoutMs, connections: 1 });
  const out: CollectedScores = { sets: [], failures: [] };
  try {
    for (const set of sets) {
      try {
        const call = await callRerank(client, target.dialect, {
          query: set.query,
          documents: set.documents,
          ...(target.model !== undefined ? { model: target.model } : {}),
        });
        if (!call.output) {
          const why = call.violation ? call.violation.message : `HTTP ${call.exchange.status}`;
          out.sets.push(undefined);
          out.failures.push(`${set.id}: ${why}`);
          continue;
        }
        out.reportedModel ??= call.output.model;
        const scores = new Array<number | undefined>(set.documents.length).fill(undefined);
        let valid = call.output.results.length === set.documents.length;
        for (const r of call.output.results) {
          if (r.index < 0 || r.index >= scores.length || scores[r.index] !== undefined) valid = false;
          else scores[r.index] = r.score;
        }
        if (valid && scores.every((s) => s !== undefined)) {
          out.sets.push(scores as number[]);
        } else {
          out.sets.push(undefined);
          out.failures.push(`${set.id}: ${call.output.results.length} results for ${set.documents.length} documents (missing or repeated indices)`);
        }
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        out.sets.push(undefined);
        out.failures.push(`${set.id}: ${err.message}`);
      }
    }
  } finally {
    await client.close();
  }
  return out;
}
