// @ts-nocheck
import type { RerankInput, RerankOutput } from "../contract/common.js";
import type { Dialect } from "../contract/dialect.js";
import { ContractViolationError } from "../contract/errors.js";
import type { HttpClient, HttpExchange } from "./http-client.js";

export interface RerankCall {
  exchange: HttpExchange;
  /** The normalised body, when the status was 2xx and the body matched the dialect's schema. */
  output?: RerankOutput;
  /** Why a 2xx body did not normalise (schema mismatch or not JSON). */
  violation?: ContractViolationError | Error;
}

/** One rerank request in a dialect: build, send, normalise. HTTP errors are returned, not thrown. */
export async function callRerank(
  client: HttpClient,
  dialect: Dialect,
  input: RerankInput,
  options: { path?: string; timeoutMs?: number } = {},
): Promise<RerankCall> {
  const built = dialect.buildRequest(input, options.path);
  const exchange = await client.send({ method: "POST", path: built.path, json: built.body, timeoutMs: options.timeoutMs });
  if (exchange.status < 200 || exchange.status >= 300) return { exchange };
  if (exchange.json === undefined) return { exchange, violation: new Error(`2xx body is not JSON: ${exchange.jsonError}`) };
  try {
    return { exchange, output: dialect.normalise(exchange.json) };
  } catch (err) {
    if (err instanceof ContractViolationError) return { exchange, violation: err };
    throw err;
  }
}
