import type { HttpExchange, SendOptions } from "../../client/http-client.js";
import type { BadInputClass, BadInputExpectation, Dialect, ServerLimits } from "../../contract/dialect.js";
import { isJsonContentType, keyHolding } from "../assert.js";
import { errorSummary, type CheckContext } from "../context.js";
import { clip, evidenceOf } from "../evidence.js";
import { GRADED, longDocument } from "../data.js";
import { CheckFailure, type CheckDefinition, type Evidence } from "../types.js";

/** A model name no server serves. */
export const UNKNOWN_MODEL = "rerank-harness-no-such-model";

interface Variant {
  label: string;
  request: SendOptions;
}

/** The dialect's request for the graded set, and the keys that carry the query and the documents. */
function baseRequest(ctx: CheckContext, overrides: { documents?: string[]; model?: string } = {}) {
  const documents = overrides.documents ?? [...GRADED.documents];
  const model = overrides.model ?? ctx.model;
  const built = ctx.dialect.buildRequest({ query: GRADED.query, documents, ...(model !== undefined ? { model } : {}) });
  return {
    path: built.path,
    body: built.body,
    queryKey: keyHolding(built.body, GRADED.query),
    documentsKey: keyHolding(built.body, documents),
  };
}

const json = (path: string, body: unknown): SendOptions => ({ method: "POST", path, json: body });
const raw = (path: string, rawBody: string, contentType: string | null = "application/json"): SendOptions => ({ method: "POST", path, rawBody, contentType });

function without(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = body;
  return rest;
}

/** The requests each class of bad input sends (sized by the server's own limits where it reports them). */
const VARIANTS: Record<BadInputClass, (ctx: CheckContext, limits: ServerLimits) => Variant[]> = {
  missingQuery: (ctx) => {
    const b = baseRequest(ctx);
    return [{ label: `no "${b.queryKey}"`, request: json(b.path, without(b.body, b.queryKey)) }];
  },
  missingDocuments: (ctx) => {
    const b = baseRequest(ctx);
    return [{ label: `no "${b.documentsKey}"`, request: json(b.path, without(b.body, b.documentsKey)) }];
  },
  wrongType: (ctx) => {
    const b = baseRequest(ctx);
    return [
      { label: `"${b.queryKey}" is a number`, request: json(b.path, { ...b.body, [b.queryKey]: 12345 }) },
      { label: `"${b.documentsKey}" is a number`, request: json(b.path, { ...b.body, [b.documentsKey]: 42 }) },
      { label: `"${b.documentsKey}" holds numbers`, request: json(b.path, { ...b.body, [b.documentsKey]: [1, 2, 3] }) },
    ];
  },
  emptyDocuments: (ctx) => {
    const b = baseRequest(ctx);
    return [{ label: `"${b.documentsKey}": []`, request: json(b.path, { ...b.body, [b.documentsKey]: [] }) }];
  },
  malformedJson: (ctx) => {
    const b = baseRequest(ctx);
    const text = JSON.stringify(b.body);
    return [
      { label: "truncated JSON", request: raw(b.path, text.slice(0, Math.floor(text.length / 2))) },
      { label: "not JSON at all", request: raw(b.path, "{query: 'single quotes', documents: [a, b]}") },
    ];
  },
  nonObjectJson: (ctx) => {
    const b = baseRequest(ctx);
    return ["[]", "null", "123", '"text"'].map((body) => ({ label: `body ${body}`, request: raw(b.path, body) }));
  },
  wrongContentType: (ctx) => {
    const b = baseRequest(ctx);
    const text = JSON.stringify(b.body);
    // Only text/plain: with no Content-Type at all, FastAPI servers (Infinity) parse the JSON anyway.
    return [{ label: "Content-Type: text/plain", request: raw(b.path, text, "text/plain") }];
  },
  unknownModel: (ctx) => {
    const b = baseRequest(ctx, { model: UNKNOWN_MODEL });
    return [{ label: `model "${UNKNOWN_MODEL}"`, request: json(b.path, b.body) }];
  },
  tooLong: (ctx, limits) => {
    // Each word of longDocument is about one token: twice the reported limit is surely over it.
    const words = Math.max(20_000, 2 * (limits.maxInputTokens ?? 0));
    const b = baseRequest(ctx, { documents: ["The capital of France is Paris.", longDocument(words)] });
    return [{ label: `a ${words.toLocaleString("en-US")}-word document`, request: json(b.path, b.body) }];
  },
  tooManyDocuments: (ctx, limits) => {
    const limit = limits.maxDocuments ?? ctx.dialect.expectations.badInput.tooManyDocuments?.limit ?? 0;
    const documents = Array.from({ length: limit + 1 }, (_, i) => `Short document number ${i}.`);
    const b = baseRequest(ctx, { documents });
    return [{ label: `${limit + 1} documents (limit ${limit})`, request: json(b.path, b.body) }];
  },
};

function describeStatuses(e: BadInputExpectation): string {
  const statuses = e.statuses === "any-4xx" ? "a 4xx" : e.statuses.length > 0 ? e.statuses.join(" or ") : "";
  return [statuses, e.mayAccept ? `2xx (the server ${e.mayAccept})` : ""].filter(Boolean).join(" or ");
}

/** Why an answer to bad input breaks the expectation, or null when it holds. */
export function judgeBadInput(dialect: Dialect, e: BadInputExpectation, ex: HttpExchange): string | null {
  const expected = `expected ${describeStatuses(e)}`;
  if (ex.status >= 500) return `${expected}, got ${ex.status}${errorSummary(dialect, ex)} (a server error is never right for bad input)`;
  if (ex.status >= 200 && ex.status < 300) {
    if (!e.mayAccept) return `${expected}, got ${ex.status}: the bad input was accepted`;
    try {
      dialect.normalise(ex.json);
      return null;
    } catch (err) {
      return `${expected}, got ${ex.status} with a body that is not a valid answer: ${(err as Error).message}`;
    }
  }
  const statusOk = e.statuses === "any-4xx" ? ex.status >= 400 && ex.status < 500 : e.statuses.includes(ex.status);
  if (!statusOk) return `${expected}, got ${ex.status}${errorSummary(dialect, ex)}`;
  if (e.body === "envelope") {
    let ok = ex.json !== undefined;
    if (ok) {
      try {
        dialect.errorMessage(ex.json);
      } catch {
        ok = false;
      }
    }
    if (!ok) return `status ${ex.status} is right, but the body is not the ${dialect.title} error envelope: ${JSON.stringify(clip(ex.text, 160))}`;
    if (!isJsonContentType(ex)) return `status ${ex.status} and envelope are right, but Content-Type is ${JSON.stringify(ex.headers["content-type"] ?? null)}`;
  }
  if (e.body === "text" && ex.text.trim() === "") return `status ${ex.status} is right, but the body is empty (a message is expected)`;
  return null;
}

function badInputCheck(cls: BadInputClass, id: string, statement: string): CheckDefinition {
  return {
    id,
    area: "errors",
    level: "MUST",
    statement,
    source: (d) => {
      const e = d.expectations.badInput[cls];
      return e ? `${d.title}: ${describeStatuses(e)}, ${e.body} body — ${e.source}` : "not part of this API";
    },
    skipReason: (d) => (d.expectations.badInput[cls] === null ? `${d.title} documents no behaviour for this input` : null),
    async run(ctx) {
      const documented = ctx.dialect.expectations.badInput[cls]!;
      const sized = (cls === "tooLong" || cls === "tooManyDocuments") && ctx.dialect.limits !== undefined;
      const found = sized ? await ctx.serverLimits() : undefined;
      const limits = found?.limits ?? {};
      const e = withServerLimits(documented, cls, limits);
      const variants = VARIANTS[cls](ctx, limits);
      const answers = await Promise.all(variants.map(async (v) => ({ v, ex: await ctx.send(v.request, v.label) })));
      const problems: string[] = [];
      const evidence: Evidence[] = [];
      for (const { v, ex } of answers) {
        const why = judgeBadInput(ctx.dialect, e, ex);
        if (why) {
          problems.push(`${v.label}: ${why}`);
          evidence.push(evidenceOf(ex, v.label));
        }
      }
      if (found) {
        const note = limitNote(cls, documented, limits, found.from);
        if (problems.length > 0) throw new CheckFailure(`${problems.join("; ")} (${note})`, found.evidence ? [...evidence, found.evidence] : evidence);
        return note;
      }
      if (problems.length > 0) throw new CheckFailure(problems.join("; "), evidence);
    },
  };
}

/** The documented expectation, adjusted to what the server says of itself (TEI: --auto-truncate false refuses over-long input). */
function withServerLimits(e: BadInputExpectation, cls: BadInputClass, limits: ServerLimits): BadInputExpectation {
  if (cls === "tooLong" && limits.truncates === false && e.mayAccept) {
    const { mayAccept: _off, ...rest } = e;
    return rest;
  }
  if (cls === "tooManyDocuments" && limits.maxDocuments !== undefined) return { ...e, limit: limits.maxDocuments };
  return e;
}

/** Which limit the check used and where it came from: the server's report, or the documented default. */
function limitNote(cls: BadInputClass, e: BadInputExpectation, limits: ServerLimits, from: string): string {
  if (cls === "tooManyDocuments") {
    return limits.maxDocuments !== undefined
      ? `limit ${limits.maxDocuments} documents, from ${from}`
      : `the documented default limit of ${e.limit} documents applies (${from})`;
  }
  const parts = [
    limits.maxInputTokens !== undefined ? `max input ${limits.maxInputTokens} tokens` : undefined,
    limits.truncates !== undefined ? `truncation ${limits.truncates ? "on" : "off"}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? `${parts.join(", ")}, from ${from}` : `the documented behaviour applies (${from})`;
}

export const errorChecks: CheckDefinition[] = [
  badInputCheck("missingQuery", "errors.missing_query", "A request without the query is refused with the dialect's status and error body."),
  badInputCheck("missingDocuments", "errors.missing_documents", "A request without the documents is refused with the dialect's status and error body."),
  badInputCheck("wrongType", "errors.wrong_type", "A query or documents of the wrong JSON type are refused with the dialect's status and error body."),
  badInputCheck("emptyDocuments", "errors.empty_documents", "An empty documents list is refused with the dialect's status and error body."),
  badInputCheck("malformedJson", "errors.malformed_json", "A body that is not valid JSON is refused with the dialect's status, never a 5xx."),
  badInputCheck(
    "nonObjectJson",
    "errors.non_object_json",
    "A JSON body that is not an object ([], null, 123, a string) is refused with a 4xx, never a 5xx (vllm PR #42961).",
  ),
  badInputCheck("wrongContentType", "errors.wrong_content_type", "A JSON body sent as text/plain is refused with a 4xx, never a 5xx (vllm#11171)."),
  badInputCheck("unknownModel", "errors.unknown_model", "A model name the server does not serve is refused, not silently answered by another model."),
  badInputCheck(
    "tooLong",
    "errors.too_long",
    "A 20,000-word document (or twice the input limit the server reports, if more) is refused with the dialect's status, or truncated where the dialect (or the server's own report) says it truncates; never a 5xx.",
  ),
  badInputCheck(
    "tooManyDocuments",
    "errors.too_many_documents",
    "One document more than the batch limit is refused with the dialect's status; the limit is the server's own report (TEI: GET /info) where it gives one, else the documented default, and the outcome says which.",
  ),
];
