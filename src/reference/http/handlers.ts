import { randomUUID } from "node:crypto";
import { DeadlineExceededError, InputTooLongError, OverloadedError, RequestCancelledError, RerankerClosedError, type ShedReason } from "../errors.js";
import type { Reranker, ScoreOptions } from "../model.js";
import type { SubmitOptions } from "../scheduler.js";
import { ApiError } from "./api-error.js";
import { RerankRequest, ScoreRequest, type RerankResponse, type ScoringOptions } from "./schemas.js";

export interface HandlerContext {
  reranker: Reranker;
  /** Names the server answers to; `model` in a request must be one of them. */
  modelName: string;
  maxDocuments: number;
  onShed: (reason: ShedReason) => void;
}

/** Rerank: scores every document, sorts descending (ties keep input order), applies top_n. */
export async function handleRerank(ctx: HandlerContext, body: unknown, submit: SubmitOptions = {}): Promise<RerankResponse> {
  const parsed = RerankRequest.safeParse(body);
  if (!parsed.success) throw ApiError.fromZod(parsed.error);
  const req = parsed.data;
  checkModel(ctx, req.model);
  if (req.documents.length === 0) throw new ApiError(400, "At least one text_pair element must be given", "documents");
  if (req.documents.length > ctx.maxDocuments) {
    throw new ApiError(400, `Too many documents: ${req.documents.length} > ${ctx.maxDocuments}`, "documents");
  }
  const texts = req.documents.map((d) => (typeof d === "string" ? d : d.text));
  const { scores, tokens } = await score(
    ctx,
    texts.map((t) => [req.query, t] as const),
    scoreOptions(ctx, req),
    submit,
  );

  const order = scores.map((s, index) => ({ s, index })).sort((a, b) => b.s - a.s || a.index - b.index);
  const topN = req.top_n && req.top_n > 0 ? req.top_n : order.length;
  const withDocs = req.return_documents ?? true;
  return {
    id: `rerank-${randomUUID().replace(/-/g, "")}`,
    model: ctx.modelName,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
    results: order.slice(0, topN).map(({ s, index }) => ({
      index,
      ...(withDocs ? { document: { text: texts[index]! } } : {}),
      relevance_score: s,
    })),
  };
}

/** vLLM's /score: pairs 1:1, 1:N or N:N; data in input order. */
export async function handleScore(ctx: HandlerContext, body: unknown, submit: SubmitOptions = {}) {
  const parsed = ScoreRequest.safeParse(body);
  if (!parsed.success) throw ApiError.fromZod(parsed.error);
  const req = parsed.data;
  checkModel(ctx, req.model);
  const sides =
    req.text_1 !== undefined || req.text_2 !== undefined
      ? ([req.text_1, req.text_2, "text_1", "text_2"] as const)
      : req.data_1 !== undefined || req.data_2 !== undefined
        ? ([req.data_1, req.data_2, "data_1", "data_2"] as const)
        : ([req.queries, req.documents ?? req.items, "queries", req.items !== undefined ? "items" : "documents"] as const);
  const [left, right, leftName, rightName] = sides;
  if (left === undefined || right === undefined) {
    throw new ApiError(400, `Both ${leftName} and ${rightName} are required`, left === undefined ? leftName : rightName);
  }
  const a = typeof left === "string" ? [left] : left;
  const b = typeof right === "string" ? [right] : right;
  if (a.length === 0 || b.length === 0) {
    throw new ApiError(400, "At least one text element must be given", a.length === 0 ? leftName : rightName);
  }
  if (!(a.length === 1 || a.length === b.length)) {
    throw new ApiError(400, "Input lengths must be either 1:1, 1:N or N:N", leftName);
  }
  if (b.length > ctx.maxDocuments) throw new ApiError(400, `Too many inputs: ${b.length} > ${ctx.maxDocuments}`, rightName);
  const pairs = b.map((d, i) => [a.length === 1 ? a[0]! : a[i]!, d] as const);
  const { scores, tokens } = await score(ctx, pairs, scoreOptions(ctx, req), submit);
  return {
    id: `score-${randomUUID().replace(/-/g, "")}`,
    object: "list",
    created: Math.floor(Date.now() / 1000),
    model: ctx.modelName,
    data: scores.map((s, index) => ({ index, object: "score", score: s })),
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0, prompt_tokens_details: null },
  };
}

function checkModel(ctx: HandlerContext, model: string | null | undefined): void {
  if (model != null && model !== ctx.modelName) throw new ApiError(404, `The model \`${model}\` does not exist.`, "model");
}

function scoreOptions(ctx: HandlerContext, req: ScoringOptions): ScoreOptions {
  const activation = req.use_activation ?? req.activation ?? req.softmax ?? (req.raw_scores == null ? true : !req.raw_scores);
  const limit = req.truncate_prompt_tokens;
  const max = ctx.reranker.maxLength;
  if (limit != null && limit > max) {
    throw new ApiError(
      400,
      `truncate_prompt_tokens value (${limit}) is greater than max_model_len (${max}). Please request a smaller truncation size.`,
      "truncate_prompt_tokens",
    );
  }
  if (limit === 0) throw new ApiError(400, "truncate_prompt_tokens must be -1 or a positive integer", "truncate_prompt_tokens");
  return {
    activation,
    // vLLM's default: an over-long pair is a 400 unless the request asks for truncation
    // (truncate_prompt_tokens, or TEI's truncate: true).
    truncate: limit != null ? true : (req.truncate ?? false),
    maxLength: limit != null && limit > 0 ? limit : undefined,
  };
}

async function score(ctx: HandlerContext, pairs: ReadonlyArray<readonly [string, string]>, opts: ScoreOptions, submit: SubmitOptions) {
  const shed = (err: OverloadedError) => shedError(ctx, err);
  // A request is admitted on an estimate of its tokens and tokenized only when its turn comes,
  // so a refused or abandoned one costs next to nothing.
  const early = ctx.reranker.refusal(submit.deadlineMs);
  if (early) throw shed(early);
  if (submit.signal?.aborted) throw new ApiError(499, new RequestCancelledError().message);
  try {
    return await ctx.reranker.scorePairs(pairs, opts, submit);
  } catch (err) {
    if (err instanceof InputTooLongError) throw new ApiError(400, err.message, "input_tokens");
    if (err instanceof OverloadedError) throw shed(err);
    // 504 as a gateway says a deadline passed; the client set it, so retrying is its call.
    if (err instanceof DeadlineExceededError) throw new ApiError(504, err.message);
    // Nobody reads this answer; 499 (nginx's "client closed request") keeps it apart in metrics.
    if (err instanceof RequestCancelledError) throw new ApiError(499, err.message);
    if (err instanceof RerankerClosedError) throw new ApiError(503, err.message, null, { "retry-after": "1" });
    throw err;
  }
}

/** The 503 for a refused request, counted by reason. */
export function shedError(ctx: HandlerContext, err: OverloadedError): ApiError {
  ctx.onShed(err.reason);
  return new ApiError(503, err.message, null, { "retry-after": String(err.retryAfterSeconds) });
}
