// @ts-nocheck
import type { RerankOutput } from "../contract/common.js";
import type { DialectExpectations } from "../contract/dialect.js";

// Per-response checks shared by the k6 scripts and anything else that wants a cheap verdict on
// one successful rerank answer. Node-free on purpose: the k6 bundles import it.

export interface ResponseExpectation {
  /** Documents sent. */
  docs: number;
  /** top_n sent; undefined when the request left it out (every document comes back). */
  topN?: number;
  /** The dialect's documented score range. */
  scoreKind: DialectExpectations["score"]["kind"];
  /** The documents sent, when the server is expected to echo them back. */
  echoOf?: readonly string[];
}

export const RESPONSE_CHECKS = {
  count: "result count",
  sorted: "sorted by score",
  indices: "indices unique and in range",
  scores: "scores in range",
  echo: "documents echoed",
} as const;
export type ResponseCheckId = keyof typeof RESPONSE_CHECKS;

export interface ResponseCheck {
  id: ResponseCheckId;
  /** The human name, stable across runs (k6 aggregates checks by name). */
  name: string;
  ok: boolean;
  /** Why it failed; absent when it passed. */
  detail?: string;
}

/** Float32 sigmoid/softmax outputs can land a hair outside [0, 1]. */
const PROBABILITY_SLACK = 1e-6;

/** Results expected back: top_n (when sent and positive) caps the document count. */
export function expectedResultCount(docs: number, topN?: number): number {
  return topN !== undefined && topN >= 1 ? Math.min(topN, docs) : docs;
}

/** Checks one normalised response; every check is reported, passed or not. */
export function checkResponse(output: RerankOutput, exp: ResponseExpectation): ResponseCheck[] {
  const results = output.results;
  const want = expectedResultCount(exp.docs, exp.topN);
  const out: ResponseCheck[] = [];
  const add = (id: ResponseCheckId, detail: string | undefined) =>
    out.push({ id, name: RESPONSE_CHECKS[id], ok: detail === undefined, ...(detail === undefined ? {} : { detail }) });

  add("count", results.length === want ? undefined : `expected ${want} results, got ${results.length}`);

  const unsorted = results.findIndex((r, i) => i > 0 && r.score > results[i - 1]!.score);
  add("sorted", unsorted < 0 ? undefined : `result ${unsorted} (score ${results[unsorted]?.score}) ranks below a lower score`);

  const seen = new Set<number>();
  let badIndex: string | undefined;
  for (const r of results) {
    if (r.index < 0 || r.index >= exp.docs) badIndex = `index ${r.index} is outside 0..${exp.docs - 1}`;
    else if (seen.has(r.index)) badIndex = `index ${r.index} appears twice`;
    if (badIndex) break;
    seen.add(r.index);
  }
  add("indices", badIndex);

  const outOfRange = results.find((r) => !scoreInRange(r.score, exp.scoreKind));
  add("scores", outOfRange ? `score ${outOfRange.score} is outside the ${exp.scoreKind === "probability" ? "[0, 1]" : "finite"} range` : undefined);

  if (exp.echoOf) {
    const sent = exp.echoOf;
    const wrong = results.find((r) => r.document !== sent[r.index]);
    add("echo", wrong ? `result for index ${wrong.index} ${wrong.document === undefined ? "has no document" : "echoes a different document"}` : undefined);
  }
  return out;
}

function scoreInRange(score: number, kind: ResponseExpectation["scoreKind"]): boolean {
  if (!Number.isFinite(score)) return false;
  return kind !== "probability" || (score >= -PROBABILITY_SLACK && score <= 1 + PROBABILITY_SLACK);
}
