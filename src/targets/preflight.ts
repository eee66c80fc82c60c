import { HttpClient } from "../client/http-client.js";
import { HarnessError } from "../util/errors.js";
import { TransportError, type TransportErrorCode } from "../client/errors.js";
import { callRerank } from "../client/rerank-call.js";
import { redact } from "../client/secrets.js";
import { TargetStartError, type StartedTarget } from "./target.js";
import type { HttpExchange } from "../client/http-client.js";
import { ContractViolationError } from "../contract/errors.js";
import { listDialects } from "../contract/registry.js";
import { describeDetection, detectDialect, type Detection } from "./detect-dialect.js";
import { clip } from "../util/clip.js";
import { seedSet } from "../util/relevance-sets.js";

export type PreflightErrorCode =
  | TransportErrorCode
  | "ERR_PREFLIGHT_AUTH"
  | "ERR_PREFLIGHT_NOT_FOUND"
  | "ERR_PREFLIGHT_REDIRECT"
  | "ERR_PREFLIGHT_NOT_JSON"
  | "ERR_PREFLIGHT_NOT_RERANK"
  | "ERR_PREFLIGHT_WRONG_DIALECT"
  | "ERR_PREFLIGHT_UNKNOWN_MODEL"
  | "ERR_PREFLIGHT_REFUSED";

/** The target cannot answer one basic request at all: the run stops before any check (exit 2). */
export class PreflightError extends HarnessError {
  readonly code = "RH_PREFLIGHT";
  readonly kind = "startup";
  constructor(
    /** Which way the target failed the preflight (in the message too). */
    readonly reason: PreflightErrorCode,
    /** What happened, then (on a second line) the next step. */
    readonly detail: string,
  ) {
    super(redact(`preflight failed (${reason}): ${detail}`));
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
 * One basic rerank request before the suites, and a diagnosis when it cannot go on: a
 * transport failure, a redirect, an auth refusal, no rerank route (404/405/501, HTML, not
 * JSON), a 4xx refusal of the dialect's simplest request (an unknown model, a field the
 * dialect does not send), or a 2xx body of another dialect's shape stops the run here (exit 2)
 * with the next step, found by probing the target (detectDialect). A 5xx, or a body that
 * breaks the schema in its details, is left to the checks.
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
      throw new PreflightError(
        "ERR_PREFLIGHT_REDIRECT",
        `${where} answered ${status}, a redirect to ${exchange.redirect.location ?? "(no Location)"}; point --target at the final URL`,
      );
    }
    if (status === 401 || status === 403) {
      const key = target.apiKey ? `the key in $${target.apiKeyEnv} was refused` : `no key was sent: set $${target.apiKeyEnv} or pass --api-key-env NAME`;
      throw new PreflightError("ERR_PREFLIGHT_AUTH", `${where} answered ${status}: ${key}`);
    }
    const answered = `${where} answered ${status}${describeBody(exchange)}`;
    const probe = () => detectDialect({ baseUrl: target.baseUrl, apiKey: target.apiKey, model: target.model, timeoutMs: Math.min(timeoutMs, 5_000) });
    const ours = target.dialect.name;
    if (status >= 400 && status < 500 && target.model !== undefined && namesUnknownModel(serverMessage(exchange))) {
      const found = await probe();
      const listed =
        found.models.length > 0
          ? `the server lists: ${found.models.slice(0, 5).join(", ")}; try --model ${found.models[0]}`
          : "the server lists no models (GET /v1/models, /models); check the name it serves";
      throw new PreflightError("ERR_PREFLIGHT_UNKNOWN_MODEL", `${answered}: model "${target.model}" is not served here.\nnext: ${listed}`);
    }
    if (status === 404 || status === 405 || status === 501) {
      const found = await probe();
      throw new PreflightError(
        found.dialect && found.dialect !== ours ? "ERR_PREFLIGHT_WRONG_DIALECT" : "ERR_PREFLIGHT_NOT_FOUND",
        `${answered}: not a rerank route.\n${nextStep(found, ours, target.baseUrl)}`,
      );
    }
    if (status >= 200 && status < 300 && exchange.json === undefined) {
      const found = await probe();
      throw new PreflightError("ERR_PREFLIGHT_NOT_JSON", `${answered}, not JSON: not a rerank API.\n${nextStep(found, ours, target.baseUrl)}`);
    }
    if (status >= 400 && status < 500) {
      const message = serverMessage(exchange);
      const found = await probe();
      const fields = foreignFields(message, exchange.request.body ?? "");
      const asks = fields.length > 0 ? `; it asks for ${fields.map((f) => `"${f}"`).join(", ")}, which the ${ours} dialect does not send` : "";
      if (found.dialect && found.dialect !== ours) {
        throw new PreflightError(
          "ERR_PREFLIGHT_WRONG_DIALECT",
          `${answered}: the ${target.dialect.title} request was refused${asks}.\n${nextStep(found, ours, target.baseUrl)}`,
        );
      }
      const model = target.model === undefined ? "; if the server needs a model name, pass --model NAME" : "";
      throw new PreflightError(
        "ERR_PREFLIGHT_REFUSED",
        `${answered}: the simplest ${target.dialect.title} request was refused${asks}.\nnext: check the server's settings and --model${model} (probe: ${describeDetection(found)})`,
      );
    }
    if (status >= 200 && status < 300) {
      const shapeBroken = wrongShape(target.dialect, exchange.json);
      const found = shapeBroken ? await probe() : undefined;
      if (found?.dialect && found.dialect !== ours) {
        throw new PreflightError(
          "ERR_PREFLIGHT_WRONG_DIALECT",
          `${answered}, which is not a ${target.dialect.title} body (${shapeBroken}).\n${nextStep(found, ours, target.baseUrl)}`,
        );
      }
    }
    return { status, durationMs: Math.round(exchange.timings.totalMs) };
  } catch (err) {
    if (err instanceof TransportError) {
      const hint = HINTS[err.reason];
      throw new PreflightError(err.reason, `POST ${target.baseUrl}${path}: ${err.message}${hint ? ` (${hint})` : ""}`);
    }
    throw err;
  } finally {
    // A hostile server must not hold us here: close, but do not wait on it for long.
    await Promise.race([client.close().catch(() => {}), new Promise((r) => setTimeout(r, 1_000).unref())]);
  }
}

/** The next step after a failed preflight: the dialect the probe found, or where to look. */
function nextStep(found: Detection, ours: string, baseUrl: string): string {
  if (found.dialect && found.dialect !== ours) return `next: the server speaks ${describeDetection(found)}: use --dialect ${found.dialect} (or --dialect auto)`;
  if (found.dialect) return `next: the server speaks ${ours}, but not at this path: check the base URL (without the rerank path)`;
  return `next: no probe found a rerank API at ${baseUrl}: check the base URL (without the rerank path) and that the server runs a reranker`;
}

/** An error message about the model name (vLLM "The model `x` does not exist.", Cohere "model 'x' not found"). */
function namesUnknownModel(message: string): boolean {
  return /model/i.test(message) && /not (be )?found|does ?n[o']t exist|unknown model|not served/i.test(message);
}

/** " (text/html)" — the body's type, so "not JSON" is visible in the first line. */
function describeBody(ex: HttpExchange): string {
  const type = (ex.headers["content-type"] ?? "").split(";")[0]!.trim();
  return type ? ` (${type})` : "";
}

/** The server's error message: a JSON envelope's text, else the body's start. */
function serverMessage(ex: HttpExchange): string {
  const j = ex.json as Record<string, unknown> | undefined;
  const text = j && typeof j === "object" ? JSON.stringify(j) : ex.text;
  return clip(text.replace(/\s+/g, " ").trim(), 300);
}

/** Request fields some dialect sends, named in the message but absent from the body we sent (e.g. TEI's "texts"). */
function foreignFields(message: string, sentBody: string): string[] {
  const known = new Set(listDialects().flatMap((d) => Object.keys((d.schemas.request as unknown as { shape?: Record<string, unknown> }).shape ?? {})));
  let sent: string[] = [];
  try {
    sent = Object.keys(JSON.parse(sentBody) as object);
  } catch {
    // not JSON: nothing sent by name
  }
  const named = message.match(/[A-Za-z_]+/g) ?? [];
  return [...new Set(named.filter((w) => known.has(w) && !sent.includes(w) && w.length > 4))];
}

/** Why a 2xx body breaks the dialect's schema at its top level (another dialect's shape), or null if it does not. */
function wrongShape(dialect: { normalise(body: unknown): unknown }, body: unknown): string | null {
  try {
    dialect.normalise(body);
    return null;
  } catch (err) {
    if (!(err instanceof ContractViolationError)) throw err;
    // Faults inside results (a null score, a bare-string document) are the checks' to report.
    return err.field.includes(".") ? null : (err.issues[0] ?? err.message);
  }
}

/**
 * `preflight` for `load` and `compare`: a target that cannot be reached, is not HTTP, refuses the key or has no rerank
 * route fails here as a TargetStartError (exit 2) with the reason, instead of as minutes of
 * errors later.
 */
export async function preflightTarget(target: StartedTarget, options: { timeoutMs: number }): Promise<PreflightResult> {
  try {
    return await preflight(target, options.timeoutMs);
  } catch (err) {
    if (err instanceof PreflightError) throw new TargetStartError(`${target.label}: ${err.message}`, undefined, { cause: err });
    throw err;
  }
}
