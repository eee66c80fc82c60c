import { mulberry32 } from "../../util/prng.js";
import type { CheckContext } from "../context.js";
import { relevanceSets } from "../data.js";
import type { Evidence } from "../evidence.js";
import { CheckFailure } from "../failures.js";
import type { ScoredRequest, VariantLogits } from "./compare.js";
import type { Precision, ScoreScale } from "./tolerance.js";

export type { SuiteFidelity } from "./settings.js";
import type { SuiteFidelity } from "./settings.js";

/** Everything both fidelity checks judge, gathered once per run. */
export interface FidelityData {
  requests: ScoredRequest[];
  variants: VariantLogits;
  scale: ScoreScale;
  /** How the scale was chosen. */
  scaleNote: string;
  precision: Precision;
  model: string;
  evidence: Evidence[];
}

const SAMPLE_REQUESTS = 8;
const SAMPLE_DOCUMENTS = 5;

/** The labelled sets, then a seeded sample: random queries over documents drawn from every set. */
export function fidelityRequests(seed: number): Array<{ label: string; query: string; documents: string[] }> {
  const sets = relevanceSets();
  const out = sets.map((s) => ({ label: s.id, query: s.query, documents: [...s.documents] }));
  const pool = sets.flatMap((s) => s.documents);
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  for (let i = 0; i < SAMPLE_REQUESTS; i++) {
    const docs = new Set<string>();
    while (docs.size < SAMPLE_DOCUMENTS) docs.add(pick(pool));
    out.push({ label: `sample-${i + 1} (seed ${seed})`, query: pick(sets).query, documents: [...docs] });
  }
  return out;
}

/** Asks the server for every request, then computes the model's scores (and its known-fault variants) locally. */
export async function collectFidelity(ctx: CheckContext, spec: SuiteFidelity): Promise<FidelityData> {
  const requests = fidelityRequests(ctx.target.seed);
  const evidence: Evidence[] = [];
  const server: number[][] = [];
  for (const r of requests) {
    const res = await ctx.rerankOk({ query: r.query, documents: r.documents }, { label: `fidelity ${r.label}` });
    if (evidence.length < 3) evidence.push(res.evidence);
    const byIndex = new Array<number>(r.documents.length).fill(Number.NaN);
    for (const x of res.output.results) byIndex[x.index] = x.score;
    if (byIndex.some((s) => Number.isNaN(s))) {
      throw new CheckFailure(`${r.label}: the server did not score all ${r.documents.length} documents`, [res.evidence]);
    }
    server.push(byIndex);
  }
  const { scale, note } = scaleOf(ctx, server);
  const limit = await reportedLimit(ctx);

  const { ModelLogits } = await import("../../reference/model-logits.js");
  const model = await ModelLogits.load(spec.model);
  try {
    const pairs = requests.flatMap((r) => r.documents.map((d) => [r.query, d] as const));
    const regroup = (flat: number[]) => {
      let at = 0;
      return requests.map((r) => r.documents.map(() => flat[at++]!));
    };
    const logits = regroup(await model.logits(pairs));
    const zeroTokenTypes = regroup(await model.logits(pairs, { zeroTokenTypes: true }));
    const variants: VariantLogits = { zeroTokenTypes };
    if (limit !== undefined && limit < model.maxLength) variants.truncated = { limit, logits: regroup(await model.logits(pairs, { maxLength: limit })) };
    return {
      requests: requests.map((r, i) => ({ ...r, server: server[i]!, logits: logits[i]! })),
      variants,
      scale,
      scaleNote: note,
      precision: spec.precision,
      model: spec.model,
      evidence,
    };
  } finally {
    await model.close();
  }
}

/** The dialect's documented kind; for a dialect that allows any, what the scores look like. */
function scaleOf(ctx: CheckContext, server: number[][]): { scale: ScoreScale; note: string } {
  const kind = ctx.dialect.expectations.score.kind;
  if (kind !== "any") return { scale: kind, note: `${ctx.dialect.title} documents ${kind === "logit" ? "raw logits" : "probabilities"}` };
  const inUnit = server.every((row) => row.every((s) => s >= 0 && s <= 1));
  return {
    scale: inUnit ? "probability" : "logit",
    note: `${ctx.dialect.title} allows any score kind; every score ${inUnit ? "lies" : "does not lie"} in [0, 1]`,
  };
}

/**
 * The input limit the server reports, if any: vLLM's /v1/models `max_model_len`, llama.cpp's
 * /v1/models `meta.n_ctx` (tools/server/server-context.cpp get_res_model_info), TEI's /info
 * `max_input_length`. Best effort: a server that reports none gets no truncation variant.
 */
async function reportedLimit(ctx: CheckContext): Promise<number | undefined> {
  const found: number[] = [];
  for (const path of ["/v1/models", "/info"]) {
    try {
      const ex = await ctx.client.send({ method: "GET", path, timeoutMs: Math.min(5000, ctx.target.timeoutMs) });
      if (ex.status !== 200 || ex.json === undefined) continue;
      const body = ex.json as { data?: Array<{ max_model_len?: unknown; meta?: { n_ctx?: unknown } }>; max_input_length?: unknown };
      for (const v of [body.data?.[0]?.max_model_len, body.data?.[0]?.meta?.n_ctx, body.max_input_length]) {
        if (typeof v === "number" && Number.isInteger(v) && v > 0) found.push(v);
      }
    } catch {
      // not offered, or not answering: no limit from this path
    }
  }
  return found.length > 0 ? Math.min(...found) : undefined;
}
