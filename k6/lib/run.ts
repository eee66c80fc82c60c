import { check } from "k6";
import http from "k6/http";
import { Rate } from "k6/metrics";
import type { RerankInput } from "../../src/contract/common.js";
import type { Dialect } from "../../src/contract/dialect.js";
import type { K6Config } from "./config.js";
import { buildCall, evaluate, expectationFor } from "./exchange.js";
import { VALID_METRIC } from "./plan.js";

// The one piece of VU code both scripts share: send, check, and log the first few failures.

/** Per VU: enough failure lines to diagnose, not enough to flood a load run's console. */
const MAX_LOGGED_FAILURES = 3;
let logged = 0;

/** One sample per response: true only when every check of it holds. Created in init context, as k6 requires. */
const valid = new Rate(VALID_METRIC);

export function rerankOnce(dialect: Dialect, cfg: K6Config, input: RerankInput, echo = false, extraTags: Record<string, string> = {}): boolean {
  const call = buildCall(dialect, cfg, input, extraTags);
  const res = http.post(call.url, call.body, call.params);
  const body = typeof res.body === "string" ? res.body : null;
  const outcomes = evaluate(dialect, res.status, body, expectationFor(dialect, input, echo), { code: res.error_code, message: res.error });
  const ok = check(res, Object.fromEntries(outcomes.map((o) => [o.name, () => o.ok])), extraTags);
  valid.add(ok, extraTags);
  for (const o of outcomes) {
    if (o.ok || logged >= MAX_LOGGED_FAILURES) continue;
    logged++;
    // The URL and the answer only: headers (with the key) are never printed.
    console.warn(`check failed: ${o.name} (POST ${call.url}, ${input.documents.length} docs): ${o.detail ?? ""}`);
  }
  return ok;
}
