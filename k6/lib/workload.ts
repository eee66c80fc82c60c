import corpus from "../../fixtures/corpus/default.json" with { type: "json" };
import { DEFAULT_WORKLOAD, WorkloadGenerator, type RerankPayload } from "../../src/load/workload.js";
import { mixSeed } from "./mix.js";

// Requests for k6 iterations, drawn by the harness's own generator from the default corpus
// (inlined at bundle time). Each iteration seeds its own generator from the run seed, the
// scenario's name and k6's iterationInTest. iterationInTest is unique across VUs and across
// k6-operator runners (execution segments), and the name keeps scenarios apart, so every request
// is reproducible and none repeats another scenario's or another runner's (a server cache
// would flatter repeats).

/** FNV-1a over the scenario name: a stable 32-bit salt per scenario. */
export function scenarioSalt(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The generator seed for one iteration of one scenario. */
export function iterationSeed(seed: number, scenario: string, iteration: number): number {
  return mixSeed((seed ^ scenarioSalt(scenario)) >>> 0, iteration);
}

export function payloadFor(docs: number, seed: number, scenario: string, iteration: number): RerankPayload {
  return new WorkloadGenerator(corpus, { ...DEFAULT_WORKLOAD, docs, seed: iterationSeed(seed, scenario, iteration) }).next();
}
