import { fail } from "../assert.js";
import { GRADED, relevanceSets, seedSet } from "../data.js";
import { CheckFailure, CheckSkip, type CheckDefinition } from "../types.js";

/** Documents that have nothing in common: a working model cannot score them all alike. */
const DIFFERENT = {
  query: "What is the capital of France?",
  documents: [
    "The capital of France is Paris.",
    "Photosynthesis turns light into chemical energy.",
    "Horses and cows are both animals.",
    "The stock market closed higher on Friday.",
  ],
};

/** sigmoid(1): a sigmoid applied to a probability p in [0, 1] lands in [0.5, this]. */
export const DOUBLE_SIGMOID_MAX = 1 / (1 + Math.exp(-1));

/** Labelled sets whose distractors share no content word with the query. */
const CALIBRATION_SETS = ["seed-france", "everest", "boiling-water", "hamlet"];

export const scoreChecks: CheckDefinition[] = [
  {
    id: "scores.finite",
    area: "scores",
    level: "MUST",
    statement: "Every score is a finite number (no NaN, Infinity, null or string).",
    source: (d) => `the score is a float (${d.sources[0]}); TEI answers 424 rather than a NaN score (router/src/http/server.rs)`,
    skipReason: () => null,
    async run(ctx) {
      const r = await ctx.rerankOk(GRADED, { label: `${GRADED.documents.length} documents` });
      for (const [pos, x] of r.output.results.entries()) {
        if (typeof x.score !== "number" || !Number.isFinite(x.score)) fail(`results[${pos}] has score ${x.score}`, [r.evidence]);
      }
    },
  },
  {
    id: "scores.range",
    area: "scores",
    level: "MUST",
    statement: "Scores lie in [0, 1] where the dialect documents probabilities (sigmoid/softmax output).",
    source: (d) => `${d.title}: scores are probabilities (${d.sources[0]}); llama.cpp#8555 shows why this is per dialect`,
    skipReason: (d) => (d.expectations.score.kind === "probability" ? null : `${d.title} does not document a score range (${d.expectations.score.kind})`),
    async run(ctx) {
      const sets = relevanceSets().slice(0, 3);
      for (const set of sets) {
        const r = await ctx.rerankOk({ query: set.query, documents: set.documents }, { label: set.id });
        const bad = r.output.results.find((x) => !(x.score >= 0 && x.score <= 1));
        if (bad) fail(`index ${bad.index} scored ${bad.score}, outside [0, 1]`, [r.evidence]);
      }
    },
  },
  {
    id: "scores.probability",
    area: "scores",
    level: "SHOULD",
    statement: "Scores lie in [0, 1], as a cross-encoder's default sigmoid gives, where the dialect allows other kinds of model.",
    source: (d) =>
      `${d.title}: cross-encoders give sigmoid (0,1) by default; bi-encoders (cosine) and ColBERT (MaxSim) do not (vllm docs/models/pooling_models/scoring.md)`,
    skipReason: (d) => (d.expectations.score.kind === "any" ? null : `${d.title} documents its score kind (${d.expectations.score.kind}); see scores.range`),
    async run(ctx) {
      const sets = relevanceSets().slice(0, 3);
      for (const set of sets) {
        const r = await ctx.rerankOk({ query: set.query, documents: set.documents }, { label: set.id });
        const bad = r.output.results.find((x) => !(x.score >= 0 && x.score <= 1));
        if (bad) fail(`index ${bad.index} scored ${bad.score}, outside [0, 1]: not a probability (fine for a bi-encoder or ColBERT model)`, [r.evidence]);
      }
    },
  },
  {
    id: "scores.vary",
    area: "scores",
    level: "MUST",
    statement: "Clearly different documents do not all get the same score.",
    source: "vllm#27857 (0.5 for every document), llama.cpp#25447 (~1e-20 for every document)",
    skipReason: () => null,
    async run(ctx) {
      const r = await ctx.rerankOk(DIFFERENT, { label: "four unrelated documents" });
      const scores = r.output.results.map((x) => x.score);
      const spread = Math.max(...scores) - Math.min(...scores);
      if (scores.length > 1 && spread <= 1e-9 * Math.max(1, ...scores.map(Math.abs))) {
        fail(`all ${scores.length} documents scored ${scores[0]}: the scores carry no ranking`, [r.evidence]);
      }
    },
  },
  {
    id: "scores.calibrated",
    area: "scores",
    level: "SHOULD",
    statement: `Where the dialect documents probabilities, a clearly irrelevant document scores below 0.5, and the scores are not squeezed into [0.5, ${DOUBLE_SIGMOID_MAX.toFixed(3)}] (a sigmoid applied to a probability).`,
    source: (d) =>
      `${d.title}: scores are probabilities (${d.sources[0]}); a sigmoid of a sigmoid maps every score into [0.5, sigmoid(1) = 0.731]: withcatai/node-llama-cpp#617 (Qwen3 reranker: 0.997 became 0.731, 0.000 became 0.500); fixtures/relevance.json distractors`,
    skipReason: (d) => (d.expectations.score.kind === "probability" ? null : `${d.title} does not document probabilities (${d.expectations.score.kind})`),
    async run(ctx) {
      if (ctx.target.randomRanking) throw new CheckSkip(ctx.target.randomRanking);
      const sets = relevanceSets().filter((s) => CALIBRATION_SETS.includes(s.id));
      const answers = await Promise.all(sets.map((s) => ctx.rerankOk({ query: s.query, documents: s.documents }, { label: s.id })));
      const scores = answers.flatMap((r) => r.output.results.map((x) => x.score));
      const evidence = answers.map((r) => r.evidence);
      const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
      if (lo >= 0.5 && hi <= DOUBLE_SIGMOID_MAX + 1e-6 && hi > lo) {
        fail(
          `every score lies in [${lo}, ${hi}], inside [0.5, ${DOUBLE_SIGMOID_MAX.toFixed(4)}]: the signature of a sigmoid applied to scores that were already probabilities (node-llama-cpp#617)`,
          evidence,
        );
      }
      for (const [k, r] of answers.entries()) {
        const set = sets[k]!;
        const high = r.output.results.find((x) => x.index !== set.relevant && x.score >= 0.5);
        if (high) {
          fail(
            `${set.id}: the irrelevant ${JSON.stringify(set.documents[high.index])} scored ${high.score} for ${JSON.stringify(set.query)}; a calibrated probability is below 0.5`,
            [r.evidence],
          );
        }
      }
      return `scores span [${lo.toPrecision(3)}, ${hi.toPrecision(3)}]; every irrelevant document below 0.5`;
    },
  },
];

export const relevanceChecks: CheckDefinition[] = [
  {
    id: "relevance.seed",
    area: "relevance",
    level: "MUST",
    statement: '"What is the capital of France?" ranks "The capital of France is Paris." first, above the others.',
    source: "vllm#20794/#20478/#21681 (Qwen3-Reranker ranked the relevant document last); fixtures/relevance.json seed-france",
    skipReason: () => null,
    async run(ctx) {
      if (ctx.target.randomRanking) throw new CheckSkip(ctx.target.randomRanking);
      const seed = seedSet();
      const r = await ctx.rerankOk({ query: seed.query, documents: seed.documents }, { label: "seed-france" });
      const [first, second] = r.output.results;
      if (first?.index !== seed.relevant) {
        fail(
          `ranked index ${first?.index} (${JSON.stringify(seed.documents[first?.index ?? -1] ?? null)}) first; expected ${seed.relevant} (${JSON.stringify(seed.documents[seed.relevant])})`,
          [r.evidence],
        );
      }
      if (second && !(first.score > second.score)) fail(`the relevant document ties with index ${second.index} (${first.score})`, [r.evidence]);
    },
  },
  {
    id: "relevance.labelled",
    area: "relevance",
    level: "SHOULD",
    statement: "On every labelled set in fixtures/relevance.json the relevant document is ranked first.",
    source: "fixtures/relevance.json (chosen so that even lexical BM25 ranks them right); vllm#20794, llama.cpp#25447",
    skipReason: () => null,
    async run(ctx) {
      if (ctx.target.randomRanking) throw new CheckSkip(ctx.target.randomRanking);
      const sets = relevanceSets();
      const misses: string[] = [];
      const evidence = [];
      for (let i = 0; i < sets.length; i += 6) {
        const batch = sets.slice(i, i + 6);
        const answers = await Promise.all(batch.map((s) => ctx.rerankOk({ query: s.query, documents: s.documents }, { label: s.id })));
        for (const [j, r] of answers.entries()) {
          const set = batch[j]!;
          if (r.output.results[0]?.index !== set.relevant) {
            misses.push(`${set.id} (ranked ${r.output.results[0]?.index} first, expected ${set.relevant})`);
            evidence.push(r.evidence);
          }
        }
      }
      if (misses.length > 0)
        throw new CheckFailure(`${misses.length} of ${sets.length} labelled sets rank another document first: ${misses.join("; ")}`, evidence.slice(0, 3));
    },
  },
];
