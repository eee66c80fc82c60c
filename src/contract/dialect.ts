import type { z } from "zod";
import type { BuiltRequest, RerankInput, RerankOutput } from "./common.js";

export const DIALECT_NAMES = ["vllm", "jina", "cohere-v1", "cohere-v2", "tei", "infinity", "llamacpp"] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];
/** What `--dialect` and the `dialect` target setting accept: a dialect, or `auto` (probe the target). */
export const DIALECT_CHOICES = [...DIALECT_NAMES, "auto"] as const;
export type DialectChoice = (typeof DIALECT_CHOICES)[number];

/** Classes of bad input a conformance run sends; each dialect says what status it answers. */
export const BAD_INPUT_CLASSES = [
  "missingQuery",
  "missingDocuments",
  "wrongType",
  "emptyDocuments",
  "malformedJson",
  "nonObjectJson",
  "wrongContentType",
  "unknownModel",
  "tooLong",
  "tooManyDocuments",
] as const;
export type BadInputClass = (typeof BAD_INPUT_CLASSES)[number];

/**
 * How the server answers one class of bad input.
 * `body`: "envelope" = the dialect's JSON error envelope; "text" = a plain-text body
 * (e.g. axum's default rejections in TEI); "any" = either.
 */
export interface BadInputExpectation {
  /** Acceptable statuses; "any-4xx" where the API documents none. */
  statuses: readonly number[] | "any-4xx";
  body: "envelope" | "text" | "any";
  /** Why, in one line, citing the upstream file (and version) it comes from. */
  source: string;
  /**
   * The server may take the input anyway and answer 2xx with a valid body; says how
   * (e.g. "truncates it" for over-long input, "does not read Content-Type").
   */
  mayAccept?: string;
  /** tooManyDocuments only: the documented default limit (the check sends one more). */
  limit?: number;
  /** tooManyDocuments only: the server flag that sets the limit, where the operator can (TEI: --max-client-batch-size). */
  limitFlag?: string;
}

/** How a `top_n` value outside 1..n is answered. */
export type TopNRule = "all" | "empty" | "rejected" | "all-or-rejected" | "unspecified";

/**
 * A dialect's documented behaviour, as data. Checks read these; they never branch on a
 * dialect's name. `null` means "not part of this API" (the check is skipped).
 */
export interface DialectExpectations {
  topN: null | {
    zero: TopNRule;
    negative: TopNRule;
  };
  returnDocuments: {
    /** Whether the request has a `return_documents`-like switch. */
    switchable: boolean;
    /** With the switch absent: documents echoed or not. */
    byDefault: boolean;
    /** `{text}` object or bare string, where the document is echoed. */
    shape: "object" | "string";
    /** When not echoed: the field is absent, null, or either. */
    whenOmitted: "absent" | "null" | "absent-or-null";
    /**
     * The upstream line whenOmitted comes from: "absent" and "null" are not the same to a
     * client that parses strictly (xorbitsai/inference#2566 sends null; joonsoome/embed-rerank#11).
     */
    whenOmittedSource: string;
    /** The result field that carries the echoed document (`document`, or TEI's `text`). */
    field: string;
    /** The echo is the input as sent, or with leading/trailing whitespace stripped (Infinity's `strip_whitespace`). */
    echo: "exact" | "stripped";
  } | null;
  score: {
    /** probability: sigmoid/softmax output in [0,1]; logit: unbounded; any: not assumed. */
    kind: ScoreKind;
  };
  ties: "input-order" | "reverse-input-order" | "unspecified";
  /** Accepts documents as `{text}` objects as well as strings. */
  objectDocuments: boolean;
  /** Reports token usage in the body. */
  usage: "tokens" | "search-units" | "none";
  badInput: Record<BadInputClass, BadInputExpectation | null>;
  auth: {
    /** Statuses for a missing or wrong bearer key. */
    statuses: readonly number[];
    /** A path the server guards (vLLM guards only /v1, /v2 prefixes). */
    path: string;
  };
}

export const SCORE_KINDS = ["probability", "logit", "any"] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

/**
 * A check that fails on the stock server because of a fault in the server itself, known and
 * reported upstream: reported as KNOWN (does not fail the run unless --strict).
 */
export interface KnownFault {
  /** The check id, e.g. `errors.malformed_json`. */
  check: string;
  /** The upstream file (and version) where the behaviour comes from. */
  source: string;
  /** What the server does and why it is a fault, in one line. */
  reason: string;
}

/** Limits a server reports about itself (TEI's GET /info); absent fields are not reported. */
export interface ServerLimits {
  /** Most documents one request may carry (TEI --max-client-batch-size). */
  maxDocuments?: number;
  /** Most tokens one input may have (TEI max_input_length). */
  maxInputTokens?: number;
  /** Over-long input is truncated rather than refused (TEI --auto-truncate). */
  truncates?: boolean;
}

/** Where a dialect's server reports its limits, read once per run. */
export interface LimitsEndpoint {
  /** GET path, e.g. `/info`. */
  path: string;
  /** The upstream file that defines the body. */
  source: string;
  /** Reads the body; throws ContractViolationError when it is not the documented shape. */
  read(body: unknown): ServerLimits;
}

export interface Dialect {
  readonly name: DialectName;
  /** Human title, e.g. "vLLM". */
  readonly title: string;
  /** The upstream files (and versions or commits) the expectations were read from. */
  readonly sources: readonly string[];
  /** The request cannot be made without a model name (`--model`). */
  readonly requiresModel: boolean;
  /** Checks that fail on the stock server for a known upstream fault. */
  readonly knownFaults: readonly KnownFault[];
  /** Where the server reports its own limits (the operator's settings); absent: only the documented defaults apply. */
  readonly limits?: LimitsEndpoint;
  /** Canonical rerank path first, then documented aliases. */
  readonly paths: readonly [string, ...string[]];
  readonly schemas: {
    request: z.ZodType;
    response: z.ZodType;
    /** The JSON error envelope. */
    error: z.ZodType;
  };
  readonly expectations: DialectExpectations;
  /** Turns the common input into this API's request. `path` overrides the canonical path. */
  buildRequest(input: RerankInput, path?: string): BuiltRequest;
  /** Validates a success body against the schema and maps it to the common shape; throws ContractViolationError. */
  normalise(body: unknown): RerankOutput;
  /** Validates an error body against the envelope; returns the message or throws ContractViolationError. */
  errorMessage(body: unknown): string;
}

/**
 * The same dialect with another score kind: a vLLM endpoint serving a bi-encoder (cosine) or
 * ColBERT (MaxSim) model on /rerank is conformant with scores outside [0, 1].
 */
export function withScoreKind(dialect: Dialect, kind: ScoreKind | undefined): Dialect {
  if (!kind || kind === dialect.expectations.score.kind) return dialect;
  return { ...dialect, expectations: { ...dialect.expectations, score: { kind } } };
}
