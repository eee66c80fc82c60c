// @ts-nocheck
import type { z } from "zod";
import type { BuiltRequest, RerankInput, RerankOutput } from "./common.js";
import type { Dialect } from "./dialect.js";
import { ContractViolationError } from "./errors.js";

interface DialectDefinition<Res extends z.ZodType, Err extends z.ZodType> extends Omit<Dialect, "normalise" | "errorMessage" | "schemas" | "buildRequest"> {
  schemas: { request: z.ZodType; response: Res; error: Err };
  /** Builds the body; the path is chosen by `defineDialect`. */
  buildBody(input: RerankInput): Record<string, unknown>;
  toOutput(parsed: z.infer<Res>): RerankOutput;
  messageOf(parsed: z.infer<Err>): string;
}

/** Fills in the schema-driven parts every dialect shares: validation, path choice, errors. */
export function defineDialect<Res extends z.ZodType, Err extends z.ZodType>(def: DialectDefinition<Res, Err>): Dialect {
  const { buildBody, toOutput, messageOf, ...rest } = def;
  return {
    ...rest,
    buildRequest(input: RerankInput, path?: string): BuiltRequest {
      return { path: path ?? def.paths[0], body: { ...buildBody(input), ...input.extra } };
    },
    normalise(body: unknown): RerankOutput {
      const parsed = def.schemas.response.safeParse(body);
      if (!parsed.success) throw new ContractViolationError(def.name, "response", parsed.error.issues);
      return toOutput(parsed.data);
    },
    errorMessage(body: unknown): string {
      const parsed = def.schemas.error.safeParse(body);
      if (!parsed.success) throw new ContractViolationError(def.name, "error body", parsed.error.issues);
      return messageOf(parsed.data);
    },
  };
}

/** Copies only the defined entries, so absent options stay absent from the request body. */
export function definedEntries(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * The `{model, query, documents, top_n, return_documents}` body that most rerank APIs share
 * (Jina's shape, which vLLM, Cohere v1 and Infinity follow); `echoSwitch: false` for APIs
 * without `return_documents`.
 */
export function documentsBody(input: RerankInput, { echoSwitch }: { echoSwitch: boolean }): Record<string, unknown> {
  return definedEntries({
    model: input.model,
    query: input.query,
    documents: input.documents,
    top_n: input.topN,
    ...(echoSwitch ? { return_documents: input.returnDocuments } : {}),
  });
}

/** `usage: {prompt_tokens?, total_tokens}` in the common shape. */
export function tokenUsage(usage: { prompt_tokens?: number | undefined; total_tokens: number }): RerankOutput["usage"] {
  return { promptTokens: usage.prompt_tokens, totalTokens: usage.total_tokens };
}
