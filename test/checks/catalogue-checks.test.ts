import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CATALOGUE, getCheck } from "../../src/checks/catalogue/index.js";
import { CheckContext } from "../../src/checks/context.js";
import { executeCheck } from "../../src/checks/execute.js";
import { DEFAULT_SEED } from "../../src/checks/run.js";
import { suiteTargetFor } from "../../src/checks/suite-target.js";
import type { StartedTarget } from "../../src/targets/target.js";
import { startCohereLikeServer, startInfinityLikeServer, startJinaLikeServer } from "../servers/dialect-servers.js";
import { CAUGHT_BY } from "../servers/expectations.js";
import { asTarget, dialectTarget } from "../servers/target.js";
import { startTeiLikeServer } from "../servers/tei-like.js";
import { FAULTS, startVllmLikeServer, type Fault, type TestServer } from "../servers/vllm-like.js";

// Each check's run(), in-process, one test per check: the faithful imitations pass every check,
// and each faulty server fails the check meant to catch it. `check` runs the same checks in a
// nested vitest (faithful-servers.test.ts, self-test.test.ts); this file lets StrykerJS see them.

function contextFor(target: StartedTarget): CheckContext {
  return new CheckContext(suiteTargetFor(target, { timeoutMs: 5_000, strict: false, fuzz: 20, seed: DEFAULT_SEED }));
}

const FAITHFUL: Array<[string, string, () => Promise<TestServer>]> = [
  ["vLLM", "vllm", () => startVllmLikeServer()],
  ["current vLLM", "vllm", () => startVllmLikeServer({ layout: "pooling" })],
  ["TEI", "tei", () => startTeiLikeServer()],
  ["Infinity", "infinity", () => startInfinityLikeServer()],
  ["Jina", "jina", () => startJinaLikeServer()],
  ["Cohere v1", "cohere-v1", () => startCohereLikeServer(1)],
  ["Cohere v2", "cohere-v2", () => startCohereLikeServer(2)],
];

describe.each(FAITHFUL)("a faithful %s imitation passes (or is not asked)", (_title, dialect, start) => {
  let server: TestServer;
  let ctx: CheckContext;
  beforeAll(async () => {
    server = await start();
    ctx = contextFor(dialectTarget(server, dialect));
  });
  afterAll(async () => {
    await ctx?.close();
    await server?.close();
  });

  test.each(CATALOGUE.map((c) => [c.id, c] as const))("%s", async (_id, check) => {
    const outcome = await executeCheck(check, ctx);
    expect(["pass", "skip"], `${outcome.status}: ${outcome.message}`).toContain(outcome.status);
  });
});

describe("auth.required", () => {
  const KEY_ENV = "RERANK_CATALOGUE_TEST_KEY";
  const key = "sk-catalogue-test-key-1";
  test.each([
    ["a server that enforces the key passes", key, "pass"],
    ["a server that takes any request fails", undefined, "fail"],
  ] as const)("%s", async (_title, serverKey, expected) => {
    process.env[KEY_ENV] = key;
    const server = await startVllmLikeServer(serverKey ? { apiKey: serverKey } : {});
    const ctx = contextFor(asTarget(server, "auth", KEY_ENV));
    try {
      const outcome = await executeCheck(getCheck("auth.required")!, ctx);
      expect(outcome.status, outcome.message).toBe(expected);
      if (expected === "fail") expect(outcome.message).toBe("no Authorization header: expected 401, got 200; a wrong bearer key: expected 401, got 200");
    } finally {
      await ctx.close();
      await server.close();
    }
  });
});

describe("each faulty server fails the check meant to catch it", () => {
  test.each(Object.keys(FAULTS) as Fault[])("%s", async (fault) => {
    const server = await startVllmLikeServer({ fault });
    const ctx = contextFor(asTarget(server, fault));
    try {
      const outcome = await executeCheck(getCheck(CAUGHT_BY[fault])!, ctx);
      expect(outcome.status, outcome.message).toBe("fail");
      expect(outcome.message).toBeTruthy();
    } finally {
      await ctx.close();
      await server.close();
    }
  });
});
