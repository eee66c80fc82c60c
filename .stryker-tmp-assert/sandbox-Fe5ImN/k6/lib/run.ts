// @ts-nocheck
import { check } from "k6";
import http from "k6/http";
import type { RerankInput } from "../../src/contract/common.js";
import type { Dialect } from "../../src/contract/dialect.js";
import type { K6Config } from "./config.js";
import { buildCall, evaluate, expectationFor } from "./exchange.js";

// The one piece of VU code both scripts share: send, check, and log the first few failures.

/** Per VU: enough failure lines to diagnose, not enough to flood a load run's console. */
const MAX_LOGGED_FAILURES = 3;
let logged = 0;

export function rerankOnce(dialect: Dialect, cfg: K6Config, input: RerankInput, echo = false): boolean {
  const call = buildCall(dialect, cfg, input);
  const res = http.post(call.url, call.body, call.params);
  const body = typeof res.body === "string" ? res.body : null;
  const outcomes = evaluate(dialect, res.status, body, expectationFor(dialect, input, echo));
  const ok = check(res, Object.fromEntries(outcomes.map((o) => [o.name, () => o.ok])));
  for (const o of outcomes) {
    if (o.ok || logged >= MAX_LOGGED_FAILURES) continue;
    logged++;
    // The URL and the answer only: headers (with the key) are never printed.
    console.warn(`check failed: ${o.name} (POST ${call.url}, ${input.documents.length} docs): ${o.detail ?? ""}`);
  }
  return ok;
}
