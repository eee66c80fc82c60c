import { afterAll, describe, expect, test } from "vitest";
import { ConformanceSession } from "../../src/checks/run.js";
import { parseTargetSpec } from "../../src/targets/spec.js";
import { startTarget } from "../../src/targets/start.js";
import { getDialect } from "../../src/contract/registry.js";
import { CAUGHT_BY } from "../servers/expectations.js";
import { startTeiLikeServer } from "../servers/tei-like.js";
import { asTarget } from "../servers/target.js";
import { FAULTS, startVllmLikeServer, type Fault } from "../servers/vllm-like.js";

// The harness tested by faulty servers: each fault must fail the check meant to catch it,
// and the faithful server must pass every check. Each faulty run is narrowed to that check
// (--only) to keep the matrix fast; the catch table in docs/verification.md comes from full runs.

// One vitest instance for all runs: starting one per run would cost a second each.
const session = new ConformanceSession();
afterAll(() => session.close());

describe("faithful vLLM-like server", () => {
  test("passes every check, with no warnings", async () => {
    const server = await startVllmLikeServer();
    try {
      const report = await session.run(asTarget(server, "faithful"), { timeoutMs: 5_000, fuzz: 20 });
      const notPassing = report.checks.filter((o) => o.status === "fail" || o.status === "warn").map((o) => `${o.id}: ${o.message}`);
      expect(notPassing).toEqual([]);
      expect(report.passed).toBe(true);
      expect(report.summary.pass).toBeGreaterThan(35);
    } finally {
      await server.close();
    }
  });
});

describe("faithful TEI-like server (dialect tei)", () => {
  test("passes every check that applies to TEI, skipping the rest", async () => {
    const server = await startTeiLikeServer();
    try {
      const target = { ...asTarget(server, "tei"), dialect: getDialect("tei"), model: undefined };
      const report = await session.run(target, { timeoutMs: 5_000, fuzz: 20 });
      const notPassing = report.checks.filter((o) => o.status === "fail" || o.status === "warn").map((o) => `${o.id}: ${o.message}`);
      expect(notPassing).toEqual([]);
      const skipped = report.checks.filter((o) => o.status === "skip").map((o) => o.id);
      expect(skipped).toEqual(expect.arrayContaining(["top_n.truncates", "paths.aliases", "usage.present", "errors.unknown_model"]));
      expect(report.checks.find((o) => o.id === "errors.too_many_documents")!.status).toBe("pass");
      expect(report.checks.find((o) => o.id === "sort.ties")!.status).toBe("pass");
    } finally {
      await server.close();
    }
  });
});

describe("the embedded reference (bm25)", () => {
  test("passes every check, with no warnings", async () => {
    const target = await startTarget(parseTargetSpec("embedded"), { reference: "bm25", apiKeyEnv: "RH_NO_KEY_HERE", timeoutMs: 10_000, log: () => {} });
    try {
      const report = await session.run(target, { timeoutMs: 10_000, fuzz: 20 });
      const notPassing = report.checks.filter((o) => o.status === "fail" || o.status === "warn").map((o) => `${o.id}: ${o.message}`);
      expect(notPassing).toEqual([]);
      // vLLM refuses over-long input (no truncation by default); so must the reference.
      expect(report.checks.find((o) => o.id === "errors.too_long")!.status).toBe("pass");
    } finally {
      await target.stop();
    }
  });
});

describe("--score-kind any (a bi-encoder or ColBERT model behind vLLM)", () => {
  test("lets scores leave [0, 1] with a warning, which --strict turns into a failure", async () => {
    const server = await startVllmLikeServer({ fault: "score_out_of_range" });
    try {
      const lenient = await session.run(asTarget(server, "any"), { timeoutMs: 5_000, scoreKind: "any", only: ["scores."] });
      expect(lenient.checks.find((o) => o.id === "scores.range")!.status).toBe("skip");
      expect(lenient.checks.find((o) => o.id === "scores.probability")!.status).toBe("warn");
      expect(lenient.passed).toBe(true);
      const strict = await session.run(asTarget(server, "strict"), { timeoutMs: 5_000, scoreKind: "any", strict: true, only: ["scores."] });
      expect(strict.checks.find((o) => o.id === "scores.probability")!.status).toBe("fail");
      expect(strict.passed).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe("faulty vLLM-like servers", () => {
  for (const fault of Object.keys(FAULTS) as Fault[]) {
    const id = CAUGHT_BY[fault];
    test(`${fault} (${FAULTS[fault]}) → ${id}`, async () => {
      const server = await startVllmLikeServer({ fault });
      try {
        const report = await session.run(asTarget(server, fault), { timeoutMs: 5_000, fuzz: 5, only: [id] });
        const outcome = report.checks.find((o) => o.id === id)!;
        const should = outcome.level === "SHOULD";
        expect(outcome.status, outcome.message).toBe(should ? "warn" : "fail");
        expect(report.passed).toBe(should);
        expect(outcome.evidence?.length).toBeGreaterThan(0);
        expect(outcome.evidence![0]!.request.url).toContain(server.url);
      } finally {
        await server.close();
      }
    });
  }
});
