import { HttpClient, type HttpExchange, type SendOptions } from "../client/http-client.js";
import { TransportError } from "../client/errors.js";
import { jsonLinesSink, type ExchangeSink } from "../client/exchange-recording.js";
import { readApiKey } from "../client/secrets.js";
import type { RerankInput, RerankOutput } from "../contract/common.js";
import { ContractViolationError } from "../contract/errors.js";
import { withScoreKind, type Dialect, type ScoreKind, type ServerLimits } from "../contract/dialect.js";
import { getDialect } from "../contract/registry.js";
import { evidenceOf, evidenceOfFailure, type Evidence } from "./evidence.js";
import { CheckFailure } from "./failures.js";
import type { SuiteFidelity } from "./fidelity/settings.js";

/**
 * What a suite is told about its target (through vitest's provide/inject). The API key's
 * value is never in here: the suite reads it from `apiKeyEnv` itself.
 */
export interface SuiteTarget {
  /** Distinguishes runs in one process (the give-up state is per run). */
  runId: string;
  label: string;
  baseUrl: string;
  dialect: string;
  model?: string;
  apiKeyEnv: string;
  timeoutMs: number;
  strict: boolean;
  fuzz: number;
  seed: number;
  /** Check-id prefixes to run; empty or absent: all. */
  only?: string[];
  /** Overrides the dialect's documented score kind (e.g. "any" for a bi-encoder behind vLLM). */
  scoreKind?: ScoreKind;
  /** The model is known to rank at random (the embedded tiny-bert): relevance checks skip with this reason. */
  randomRanking?: string;
  /** check --dataset: the labelled data the relevance.dataset check evaluates. */
  dataset?: SuiteDataset;
  /** --har: a JSON-lines file every exchange is appended to, tagged with the check that sent it. */
  exchangeLog?: string;
  /** check --fidelity: the model whose own scores the fidelity checks compare the server's with. */
  fidelity?: SuiteFidelity;
}

/** What relevance.dataset is told: the data set (already validated by the command) and its threshold. */
export interface SuiteDataset {
  path: string;
  /** BEIR: first-stage candidates per query. */
  candidates: number;
  seed: number;
  /** Queries it holds (sizes the check's time budget). */
  queries: number;
  /** Fail below this NDCG@10; absent: report the figures only. */
  minNdcg?: number;
}

/** After this many timeouts the target is treated as gone: later requests fail at once. */
const TIMEOUTS_BEFORE_GIVING_UP = 2;

/**
 * Per run, shared by every suite file in the worker: whether the target has stopped
 * answering. Without it, a server that hangs after the preflight would cost each check
 * its full timeout.
 */
const health = new Map<string, { timeouts: number; gone?: string }>();

/** The limits a run works with, and where they come from (for the report). */
export interface DiscoveredLimits {
  limits: ServerLimits;
  /** "GET /info", or why the documented defaults apply instead. */
  from: string;
  /** The GET exchange, when one was made. */
  evidence?: Evidence;
}

/** Per run: the server's own limits, read once (TEI's GET /info). */
const discovered = new Map<string, Promise<DiscoveredLimits>>();

export interface RerankRequestInput extends Omit<RerankInput, "model"> {
  /** undefined: the target's model; null: leave the field out. */
  model?: string | null;
}

export interface RerankResult {
  exchange: HttpExchange;
  output?: RerankOutput;
  /** Why a 2xx body did not normalise. */
  violation?: Error;
  evidence: Evidence;
}

/** Everything a check needs: the dialect, a client for the target, and shared helpers. */
export class CheckContext {
  readonly dialect: Dialect;
  readonly model: string | undefined;
  readonly apiKey: string | undefined;
  readonly client: HttpClient;
  /** Where this run's exchanges are recorded (--har); executeCheck opens the recording per check. */
  readonly exchangeSink: ExchangeSink | undefined;
  private readonly health: { timeouts: number; gone?: string };
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(readonly target: SuiteTarget) {
    this.dialect = withScoreKind(getDialect(target.dialect), target.scoreKind);
    this.model = target.model;
    this.apiKey = readApiKey(target.apiKeyEnv);
    if (!health.has(target.runId)) health.set(target.runId, { timeouts: 0 });
    this.health = health.get(target.runId)!;
    this.exchangeSink = target.exchangeLog ? jsonLinesSink(target.exchangeLog) : undefined;
    this.client = new HttpClient({
      baseUrl: target.baseUrl,
      apiKey: this.apiKey,
      timeoutMs: target.timeoutMs,
      // invariance.concurrent keeps 17 requests in flight at once.
      connections: 32,
    });
  }

  /** Sends one request; a transport failure becomes a CheckFailure carrying the request. */
  async send(req: SendOptions, label?: string): Promise<HttpExchange> {
    const h = this.health;
    if (h.gone) {
      throw new CheckFailure(`not sent: ${h.gone}`, [evidenceOfFailure(this.target.baseUrl, req, new Error(h.gone), label)]);
    }
    try {
      return await this.client.send({ timeoutMs: this.target.timeoutMs, ...req });
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      if (err.isTimeout && ++h.timeouts >= TIMEOUTS_BEFORE_GIVING_UP) {
        h.gone = `the target stopped answering (${h.timeouts} requests timed out after ${this.target.timeoutMs} ms)`;
      }
      if (err.reason === "ERR_CONNECTION_REFUSED") h.gone = "the target refused a connection (it went away)";
      throw new CheckFailure(`no usable response: ${err.message}`, [evidenceOfFailure(this.target.baseUrl, req, err, label)]);
    }
  }

  /** Builds the dialect's request for `input` (with the target's model) and sends it. */
  async rerank(input: RerankRequestInput, options: { path?: string; label?: string } = {}): Promise<RerankResult> {
    const { model, ...rest } = input;
    const full: RerankInput = { ...rest, ...(model === null ? {} : model !== undefined ? { model } : this.model !== undefined ? { model: this.model } : {}) };
    const built = this.dialect.buildRequest(full, options.path);
    const exchange = await this.send({ method: "POST", path: built.path, json: built.body }, options.label);
    const evidence = evidenceOf(exchange, options.label);
    if (exchange.status < 200 || exchange.status >= 300) return { exchange, evidence };
    if (exchange.json === undefined) return { exchange, evidence, violation: new Error(`the 2xx body is not JSON (${exchange.jsonError})`) };
    try {
      return { exchange, evidence, output: this.dialect.normalise(exchange.json) };
    } catch (err) {
      if (err instanceof ContractViolationError) return { exchange, evidence, violation: err };
      throw err;
    }
  }

  /** A rerank that must succeed: 2xx with a body matching the dialect's schema. */
  async rerankOk(input: RerankRequestInput, options: { path?: string; label?: string } = {}): Promise<RerankResult & { output: RerankOutput }> {
    return this.requireOk(await this.rerank(input, options), options.label);
  }

  /** Fails unless a rerank result is 2xx with a body matching the dialect's schema. */
  requireOk(result: RerankResult, label?: string): RerankResult & { output: RerankOutput } {
    if (result.output) return result as RerankResult & { output: RerankOutput };
    const prefix = label ? `${label}: ` : "";
    if (!isSuccess(result.exchange.status)) throw new CheckFailure(`${prefix}${refusal(this.dialect, result.exchange)}`, [result.evidence]);
    throw new CheckFailure(`${prefix}expected 2xx with a ${this.dialect.title} response body; got ${result.violation!.message}`, [result.evidence]);
  }

  /**
   * The limits the server reports (read once per run, e.g. TEI's GET /info with the
   * operator's --max-client-batch-size); where it reports none, or the endpoint does not
   * answer, `limits` is empty and `from` says that the documented defaults apply.
   */
  serverLimits(): Promise<DiscoveredLimits> {
    let p = discovered.get(this.target.runId);
    if (!p) {
      p = this.readLimits();
      discovered.set(this.target.runId, p);
    }
    return p;
  }

  private async readLimits(): Promise<DiscoveredLimits> {
    const endpoint = this.dialect.limits;
    if (!endpoint) return { limits: {}, from: `${this.dialect.title} reports no limits: the documented defaults apply` };
    const what = `GET ${endpoint.path}`;
    let exchange: HttpExchange;
    try {
      exchange = await this.send({ method: "GET", path: endpoint.path }, what);
    } catch (err) {
      return { limits: {}, from: `${what} failed (${(err as Error).message}): the documented defaults apply` };
    }
    const evidence = evidenceOf(exchange, what);
    if (exchange.status < 200 || exchange.status >= 300)
      return { limits: {}, from: `${what} answered ${exchange.status}: the documented defaults apply`, evidence };
    try {
      return { limits: endpoint.read(exchange.json), from: what, evidence };
    } catch (err) {
      return { limits: {}, from: `${what} is not the documented body (${(err as Error).message.slice(0, 160)}): the documented defaults apply`, evidence };
    }
  }

  /** Shares one request's result between checks of the same suite file. */
  memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memos.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memos.set(key, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * What a non-2xx answer to a valid request is: a refusal, with its status and the server's
 * message, never a wrong answer (vllm#14693: vLLM 0.7.3 intermittently answered 400 "The model
 * does not support the Rerank (Score) API" to valid requests under concurrency).
 */
export function refusal(dialect: Dialect, exchange: HttpExchange): string {
  return `a valid request was refused with status ${exchange.status}${errorSummary(dialect, exchange)}`;
}

/** ": <the server's error message>" when the body is the dialect's envelope, else the body's start. */
export function errorSummary(dialect: Dialect, exchange: HttpExchange): string {
  if (exchange.json !== undefined) {
    try {
      return `: ${dialect.errorMessage(exchange.json).slice(0, 200)}`;
    } catch {
      // not the envelope: fall through to the raw text
    }
  }
  const text = exchange.text.trim();
  if (!text) return " (empty body)";
  // A short one-line message reads well inline; a page (HTML, a stack trace) is left to the evidence, shown once.
  if (!text.includes("\n") && text.length <= 120) return `: ${text}`;
  return `: a ${exchange.headers["content-type"] ?? "untyped"} body of ${Buffer.byteLength(exchange.text)} bytes, not the error envelope`;
}
