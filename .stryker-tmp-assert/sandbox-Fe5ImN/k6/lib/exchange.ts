// @ts-nocheck
import type { RerankInput } from "../../src/contract/common.js";
import type { Dialect } from "../../src/contract/dialect.js";
import { checkResponse, type ResponseExpectation } from "../../src/load/response-checks.js";
import type { K6Config } from "./config.js";

// One rerank exchange as k6 sees it: the HTTP call a dialect builds, and the named checks its
// answer passes or fails. Free of k6 imports so vitest can run it; the scripts do the I/O.

export interface HttpCall {
  url: string;
  body: string;
  params: { headers: Record<string, string>; tags: Record<string, string> };
}

export function buildCall(dialect: Dialect, cfg: K6Config, input: RerankInput): HttpCall {
  const { path, body } = dialect.buildRequest({ ...input, ...(cfg.model ? { model: cfg.model } : {}) }, cfg.path);
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (cfg.apiKey) headers.Authorization = `Bearer ${cfg.apiKey}`;
  // `name` groups every request under the path, not one URL per request.
  return { url: cfg.url + path, body: JSON.stringify(body), params: { headers, tags: { name: path } } };
}

export const STATUS_CHECK = "status is 200";
export const CONTRACT_CHECK = "body matches the dialect's contract";

export interface CheckOutcome {
  name: string;
  ok: boolean;
  detail?: string;
}

/**
 * Status first, then the dialect's response schema, then the per-response checks. A failure
 * stops the later checks, so one bad answer counts once, not once per check.
 */
export function evaluate(dialect: Dialect, status: number, body: string | null, exp: ResponseExpectation): CheckOutcome[] {
  if (status !== 200) return [{ name: STATUS_CHECK, ok: false, detail: `status ${status}${body ? `: ${body.slice(0, 200)}` : ""}` }];
  const outcomes: CheckOutcome[] = [{ name: STATUS_CHECK, ok: true }];
  let output;
  try {
    output = dialect.normalise(JSON.parse(body ?? ""));
  } catch (err) {
    outcomes.push({ name: CONTRACT_CHECK, ok: false, detail: (err as Error).message });
    return outcomes;
  }
  outcomes.push({ name: CONTRACT_CHECK, ok: true });
  for (const c of checkResponse(output, exp)) outcomes.push({ name: c.name, ok: c.ok, ...(c.detail ? { detail: c.detail } : {}) });
  return outcomes;
}

/** The expectation for a request built from `input`: top_n only counts where the dialect has it. */
export function expectationFor(dialect: Dialect, input: RerankInput, echo: boolean): ResponseExpectation {
  return {
    docs: input.documents.length,
    ...(input.topN !== undefined && dialect.expectations.topN ? { topN: input.topN } : {}),
    scoreKind: dialect.expectations.score.kind,
    ...(echo ? { echoOf: input.documents } : {}),
  };
}
