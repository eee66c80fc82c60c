// @ts-nocheck
import corpus from "../../fixtures/corpus/default.json" with { type: "json" };
import { DEFAULT_WORKLOAD, WorkloadGenerator, type RerankPayload } from "../../src/load/workload.js";

// Requests for k6 iterations, drawn by the harness's own generator from the default corpus
// (inlined at bundle time). Each iteration seeds its own generator from the run seed and k6's
// iterationInTest, which is unique across VUs and across k6-operator runners, so every
// request is reproducible and no two runners send the same stream.

/** Mixes the run seed with an iteration number (golden-ratio multiply, then xor). */
export function iterationSeed(seed: number, iteration: number): number {
  return (seed ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;
}

export function payloadFor(docs: number, seed: number, iteration: number): RerankPayload {
  return new WorkloadGenerator(corpus, { ...DEFAULT_WORKLOAD, docs, seed: iterationSeed(seed, iteration) }).next();
}
