import { HttpClient, type HttpExchange } from "../client/http-client.js";
import { TransportError } from "../client/errors.js";
import type { Dialect, DialectName } from "../contract/dialect.js";
import { getDialect } from "../contract/registry.js";

/** What `--dialect auto` (and the preflight's diagnosis) found out about a target. */
export interface Detection {
  /** The dialect the target speaks, or null when no probe got a rerank answer. */
  dialect: DialectName | null;
  /** Why, one short clause per piece of evidence (e.g. `GET /v1/models: owned_by "vllm"`). */
  reasons: string[];
  /** Model names the target lists (/v1/models, /models, /info), when it lists any. */
  models: string[];
}

export interface DetectOptions {
  baseUrl: string;
  apiKey?: string;
  model?: string;
  timeoutMs: number;
}

const QUERY = "What is the capital of France?";
const DOCUMENTS = ["The capital of France is Paris.", "Horses and cows are both animals."];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** The model list a server publishes: owner and ids (vLLM, llama.cpp, Infinity, the reference). */
function modelList(ex: HttpExchange | undefined): { owners: string[]; ids: string[] } {
  const data = isObject(ex?.json) && Array.isArray(ex.json.data) ? ex.json.data.filter(isObject) : [];
  return {
    owners: data.map((m) => m.owned_by).filter((o): o is string => typeof o === "string"),
    ids: data.map((m) => m.id).filter((o): o is string => typeof o === "string"),
  };
}

const OWNERS: Record<string, DialectName> = { vllm: "vllm", llamacpp: "llamacpp", infinity: "infinity" };

/**
 * Which shape a 2xx rerank body has, by the fields that tell the seven apart: TEI's bare
 * array, Infinity's `object: "rerank"`, Cohere's `meta` (and no usage), vLLM's `id` next to
 * `model` and `usage`, the Jina format's `usage` without an `id` (Jina, llama.cpp).
 */
function shapeOf(body: unknown): "tei" | "infinity" | "cohere" | "vllm" | "jina-format" | null {
  if (Array.isArray(body)) return body.every((r) => isObject(r) && typeof r.index === "number" && typeof r.score === "number") ? "tei" : null;
  if (!isObject(body) || !Array.isArray(body.results)) return null;
  if (body.object === "rerank") return "infinity";
  if (isObject(body.meta) || (body.usage === undefined && body.model === undefined)) return "cohere";
  if (typeof body.id === "string" && body.model !== undefined && isObject(body.usage)) return "vllm";
  if (isObject(body.usage)) return "jina-format";
  return null;
}

/** The error envelope of a 4xx body, named by the dialects that use it. */
function envelopeOf(ex: HttpExchange): string | null {
  const j = ex.json;
  if (!isObject(j)) return ex.text.trim() && ex.status === 422 ? "axum plain text (TEI)" : null;
  if (isObject(j.error) && typeof j.error.message === "string")
    return typeof j.error.type === "string" && "code" in j.error && !("param" in j.error)
      ? "{error:{code,message,type}} (llama.cpp)"
      : "{error:{message,type,param,code}} (vLLM)";
  if (typeof j.error === "string" && typeof j.error_type === "string") return "{error, error_type} (TEI)";
  if ("detail" in j) return "{detail} (FastAPI: Infinity, Jina)";
  if (typeof j.message === "string") return "{message} (Cohere)";
  return null;
}

/**
 * Probes a target and names the dialect it speaks: the model list (/v1/models, /models) and
 * /info, /health first, then one small rerank request per candidate path and body shape,
 * until an answer is a valid body of one dialect. Never throws for what the target answers;
 * transport failures end the probing with what was learned so far.
 */
export async function detectDialect(options: DetectOptions): Promise<Detection> {
  const client = new HttpClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, timeoutMs: options.timeoutMs, connections: 2 });
  const reasons: string[] = [];
  const models = new Set<string>();
  const get = async (path: string) => {
    try {
      const ex = await client.send({ method: "GET", path, timeoutMs: options.timeoutMs });
      return ex.status >= 200 && ex.status < 300 ? ex : undefined;
    } catch (err) {
      if (err instanceof TransportError) return undefined;
      throw err;
    }
  };
  const post = async (dialect: Dialect, path: string, model = options.model) => {
    try {
      return await client.send({
        method: "POST",
        path,
        json: dialect.buildRequest({ query: QUERY, documents: DOCUMENTS, ...(model !== undefined ? { model } : {}) }, path).body,
        timeoutMs: options.timeoutMs,
      });
    } catch (err) {
      if (err instanceof TransportError) return undefined;
      throw err;
    }
  };
  /** A POST answered with a valid body of `name`: the verdict. */
  const answers = async (name: DialectName, path: string, shape: ReturnType<typeof shapeOf>) => {
    const dialect = getDialect(name);
    const ex = await post(dialect, path);
    if (!ex) return false;
    if (ex.status >= 200 && ex.status < 300 && shapeOf(ex.json) === shape) {
      try {
        dialect.normalise(ex.json);
        reasons.push(`POST ${path} answered a ${dialect.title} body`);
        return true;
      } catch {
        // the right shape with the wrong fields: not this dialect
      }
    }
    const envelope = ex.status >= 400 ? envelopeOf(ex) : null;
    if (ex.status !== 404 && ex.status !== 405) reasons.push(`POST ${path} (${dialect.title} body): ${ex.status}${envelope ? ` with ${envelope}` : ""}`);
    return false;
  };

  try {
    const [v1Models, bareModels, info, health] = await Promise.all([get("/v1/models"), get("/models"), get("/info"), get("/health")]);
    const listed = [modelList(v1Models), modelList(bareModels)];
    for (const l of listed) for (const id of l.ids) models.add(id);
    const owner = listed.flatMap((l) => l.owners).find((o) => o in OWNERS);
    if (owner) {
      const name = OWNERS[owner]!;
      reasons.push(`GET ${modelList(v1Models).owners.includes(owner) ? "/v1/models" : "/models"}: owned_by "${owner}"`);
      const shape = name === "infinity" ? "infinity" : name === "vllm" ? "vllm" : "jina-format";
      if (await answers(name, getDialect(name).paths[0], shape)) return done(name);
    }
    if (isObject(info?.json) && typeof info.json.model_id === "string") {
      models.add(info.json.model_id);
      reasons.push(`GET /info: model_id "${info.json.model_id}" (TEI's info route)`);
      if (await answers("tei", "/rerank", "tei")) return done("tei");
    }
    if (isObject(health?.json) && health.json.status === "ok") reasons.push('GET /health: {"status":"ok"} (llama.cpp)');

    // Rerank probes, most distinctive first. llama.cpp also serves /rerank in the Jina format,
    // but only it serves /reranking; Jina and Cohere v1 share /v1/rerank, Cohere v2 and vLLM /v2/rerank.
    if (await answers("vllm", "/rerank", "vllm")) return done("vllm");
    if (await answers("infinity", "/rerank", "infinity")) return done("infinity");
    if (await answers("llamacpp", "/reranking", "jina-format")) return done("llamacpp");
    if (await answers("tei", "/rerank", "tei")) return done("tei");
    if (await answers("cohere-v2", "/v2/rerank", "cohere")) return done("cohere-v2");
    if (await answers("cohere-v1", "/v1/rerank", "cohere")) return done("cohere-v1");
    if (await answers("jina", "/v1/rerank", "jina-format")) return done("jina");
    return done(null);
  } finally {
    await Promise.race([client.close().catch(() => {}), new Promise((r) => setTimeout(r, 1_000).unref())]);
  }

  function done(dialect: DialectName | null): Detection {
    return { dialect, reasons, models: [...models] };
  }
}

/** One line: "vllm (GET /v1/models: owned_by "vllm"; POST /rerank answered a vLLM body)". */
export function describeDetection(d: Detection): string {
  return `${d.dialect ?? "no rerank dialect"}${d.reasons.length ? ` (${d.reasons.slice(0, 4).join("; ")})` : ""}`;
}
