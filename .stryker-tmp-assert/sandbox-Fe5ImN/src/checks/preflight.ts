// @ts-nocheck
import { HttpClient } from "../client/http-client.js";
import { TransportError, type TransportErrorCode } from "../client/errors.js";
import { callRerank } from "../client/rerank-call.js";
import { redact } from "../client/secrets.js";
import type { StartedTarget } from "../targets/target.js";
import { clip } from "./evidence.js";
import { seedSet } from "./data.js";

export type PreflightErrorCode =
  | TransportErrorCode
  | "ERR_PREFLIGHT_AUTH"
  | "ERR_PREFLIGHT_NOT_FOUND"
  | "ERR_PREFLIGHT_REDIRECT"
  | "ERR_PREFLIGHT_NOT_JSON";

/** The target cannot answer one basic request at all: the run stops before any check (exit 2). */
export class PreflightError extends Error {
  override readonly name = "PreflightError";
  constructor(
    readonly code: PreflightErrorCode,
    /** One line: what happened and what to try. */
    readonly reason: string,
  ) {
    super(redact(`preflight failed (${code}): ${reason}`));
  }
}

export interface PreflightResult {
  status: number;
  durationMs: number;
}

const HINTS: Partial<Record<TransportErrorCode, string>> = {
  ERR_CONNECTION_REFUSED: "is the server running, and is the URL's port right?",
  ERR_CONNECT_TIMEOUT: "is the host reachable?",
  ERR_NOT_HTTP: "is this an HTTP server (and http: vs https: right)?",
  ERR_RESPONSE_TOO_LARGE: "a rerank answer is small; this server is not answering as one",
};

/**
 * One basic rerank request before the suites. A transport failure, a redirect, an auth
 * refusal, a 404 on the rerank path or a non-JSON 2xx stops the run here instead of failing
 * every check slowly. Anything else (a 5xx, a body that breaks the schema) is left to the checks.
 */
export async function preflight(target: StartedTarget, timeoutMs: number): Promise<PreflightResult> {
  const client = new HttpClient({ baseUrl: target.baseUrl, apiKey: target.apiKey, timeoutMs, connections: 1 });
  const seed = seedSet();
  const path = target.dialect.paths[0];
  try {
    const { exchange } = await callRerank(client, target.dialect, {
      query: seed.query,
      documents: seed.documents,
      ...(target.model !== undefined ? { model: target.model } : {}),
    });
    const where = `POST ${target.baseUrl.replace(/\/+$/, "")}${path}`;
    const status = exchange.status;
    if (exchange.redirect) {
      throw new PreflightError("ERR_PREFLIGHT_REDIRECT", `${where} answered ${status}, a redirect to ${exchange.redirect.location ?? "(no Location)"}; point --target at the final URL`);
    }
    if (status === 401 || status === 403) {
      const key = target.apiKey ? `the key in $${target.apiKeyEnv} was refused` : `no key was sent: set $${target.apiKeyEnv} or pass --api-key-env NAME`;
      throw new PreflightError("ERR_PREFLIGHT_AUTH", `${where} answered ${status}: ${key}`);
    }
    if (status === 404 || status === 405) {
      throw new PreflightError("ERR_PREFLIGHT_NOT_FOUND", `${where} answered ${status}: is --dialect ${target.dialect.name} right, and the base URL (without the rerank path)? Body: ${clip(exchange.text, 200)}`);
    }
    if (status >= 200 && status < 300 && exchange.json === undefined) {
      throw new PreflightError("ERR_PREFLIGHT_NOT_JSON", `${where} answered ${status} with a body that is not JSON (${exchange.headers["content-type"] ?? "no Content-Type"}): ${JSON.stringify(clip(exchange.text, 120))}`);
    }
    return { status, durationMs: Math.round(exchange.timings.totalMs) };
  } catch (err) {
    if (err instanceof TransportError) {
      const hint = HINTS[err.code];
      throw new PreflightError(err.code, `POST ${target.baseUrl}${path}: ${err.message}${hint ? ` (${hint})` : ""}`);
    }
    throw err;
  } finally {
    // A hostile server must not hold us here: close, but do not wait on it for long.
    await Promise.race([client.close().catch(() => {}), new Promise((r) => setTimeout(r, 1_000).unref())]);
  }
}
