import { afterAll, describe, expect, test } from "vitest";
import { ConformanceSession } from "../../src/checks/run.js";
import { RunLock } from "../../src/checks/exclusive.js";
import { dialectTarget } from "../servers/target.js";
import { startTeiLikeServer } from "../servers/tei-like.js";
import { asTarget } from "../servers/target.js";
import { startVllmLikeServer } from "../servers/vllm-like.js";

// Faults users reported on real servers (issue 25), each through a full `check` run (the
// nested vitest, checks scheduled as `check` schedules them).
const session = new ConformanceSession();
afterAll(() => session.close());

const notPassing = (outcomes: { id: string; status: string; message?: string }[]) =>
  outcomes.filter((o) => o.status === "fail" || o.status === "warn").map((o) => `${o.id}: ${o.message}`);
const outcome = (report: { checks: { id: string }[] }, id: string) =>
  report.checks.find((o) => o.id === id) as { id: string; status: string; message?: string; evidence?: { status?: number; body_start?: string }[] };

describe("dynamic batching: scores that drop 12% for each other request in flight", () => {
  test("only invariance.concurrent fails; the within-request invariance checks run alone and pass", async () => {
    const server = await startVllmLikeServer({ fault: "concurrency_dependent" });
    try {
      const report = await session.run(asTarget(server, "concurrency_dependent"), { timeoutMs: 5_000, fuzz: 10 });
      for (const id of ["invariance.deterministic", "invariance.permutation", "invariance.batch", "invariance.duplicates"]) {
        expect(outcome(report, id).status, `${id}: ${outcome(report, id).message}`).toBe("pass");
      }
      const concurrent = outcome(report, "invariance.concurrent");
      expect(concurrent.status).toBe("fail");
      expect(concurrent.message).toMatch(/^sending the request among 16 concurrent others changed scores beyond the tolerance/);
      expect(notPassing(report.checks).map((x) => x.split(":")[0])).toEqual(["invariance.concurrent"]);
    } finally {
      await server.close();
    }
  });
});

describe("intermittent refusals (vllm#14693): every 4th valid request refused", () => {
  test("invariance.concurrent reports every refusal with its status and body; no check calls a refusal a wrong answer", async () => {
    const server = await startVllmLikeServer({ fault: "intermittent_refusal" });
    try {
      const report = await session.run(asTarget(server, "intermittent_refusal"), { timeoutMs: 5_000, fuzz: 10 });
      const concurrent = outcome(report, "invariance.concurrent");
      expect(concurrent.status).toBe("fail");
      expect(concurrent.message).toMatch(
        /^\d+ of 17 valid requests sent concurrently failed: .*a valid request was refused with status 400: The model does not support Rerank \(Score\) API/,
      );
      expect(concurrent.evidence!.length).toBeGreaterThan(0);
      for (const e of concurrent.evidence!) {
        expect(e.status).toBe(400);
        expect(e.body_start).toContain("does not support Rerank");
      }
      // Wherever else a refusal landed, the check says it was one, with the server's message.
      const failing = report.checks.filter((o) => o.status === "fail" || o.status === "warn");
      expect(failing.length).toBeGreaterThan(1);
      for (const o of failing) expect(o.message, o.id).toMatch(/refused.*(400|The model does not support Rerank)/);
    } finally {
      await server.close();
    }
  });
});

describe("TEI: the batch limit is what the operator set (GET /info)", () => {
  const tei = (server: { url: string; close(): Promise<void> }) => dialectTarget(server, "tei", undefined);

  test("a TEI started with --max-client-batch-size 128 passes check; too_many_documents sends 129 and says where 128 came from", async () => {
    const server = await startTeiLikeServer({ maxClientBatchSize: 128 });
    try {
      const report = await session.run(tei(server), { timeoutMs: 5_000, fuzz: 10 });
      expect(notPassing(report.checks)).toEqual([]);
      expect(outcome(report, "errors.too_many_documents")).toMatchObject({ status: "pass", message: "limit 128 documents, from GET /info" });
      expect(outcome(report, "errors.too_long")).toMatchObject({ status: "pass", message: "max input 512 tokens, truncation on, from GET /info" });
    } finally {
      await server.close();
    }
  });

  test("where /info is missing the documented default of 32 applies, and the report says so", async () => {
    const stock = await startTeiLikeServer({ info: false });
    const raised = await startTeiLikeServer({ info: false, maxClientBatchSize: 128 });
    try {
      const ok = await session.run(tei(stock), { timeoutMs: 5_000, only: ["errors.too_many_documents"] });
      expect(outcome(ok, "errors.too_many_documents")).toMatchObject({
        status: "pass",
        message: "the documented default limit of 32 documents applies (GET /info answered 404: the documented defaults apply)",
      });
      // Without /info the harness cannot know the operator raised the limit: the failure says which limit it assumed.
      const off = await session.run(tei(raised), { timeoutMs: 5_000, only: ["errors.too_many_documents"] });
      expect(outcome(off, "errors.too_many_documents").status).toBe("fail");
      expect(outcome(off, "errors.too_many_documents").message).toBe(
        "33 documents (limit 32): expected 422, got 200: the bad input was accepted (the documented default limit of 32 documents applies (GET /info answered 404: the documented defaults apply))",
      );
    } finally {
      await stock.close();
      await raised.close();
    }
  });
});

describe("`text: null` where TEI leaves the field out (xorbitsai/inference#2566)", () => {
  test("documents.default and documents.omitted fail, citing TEI's serde attribute", async () => {
    const server = await startTeiLikeServer({ nullText: true });
    try {
      const report = await session.run(dialectTarget(server, "tei", undefined), { timeoutMs: 5_000, only: ["documents."] });
      for (const id of ["documents.default", "documents.omitted"]) {
        const o = outcome(report, id);
        expect(o.status, id).toBe("fail");
        expect(o.message).toMatch(
          /results\[0\]\.text is null; the dialect leaves the field out \(.*types\.rs Rank\.text: #\[serde\(skip_serializing_if = "Option::is_none"\)\]\)/,
        );
      }
      expect(outcome(report, "documents.requested").status).toBe("pass");
    } finally {
      await server.close();
    }
  });
});

describe("RunLock (exclusive checks)", () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));

  test("an exclusive run waits for the shared ones in flight, and holds back the ones that come after it", async () => {
    const lock = new RunLock();
    const log: string[] = [];
    const job = (name: string, exclusive: boolean) =>
      lock.run(exclusive, async () => {
        log.push(`${name}+`);
        await tick();
        log.push(`${name}-`);
      });
    await Promise.all([job("a", false), job("b", false), job("X", true), job("c", false), job("Y", true)]);
    expect(log).toEqual(["a+", "b+", "a-", "b-", "X+", "X-", "c+", "c-", "Y+", "Y-"]);
  });

  test("a failing run releases the lock", async () => {
    const lock = new RunLock();
    await expect(lock.run(true, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(lock.run(false, async () => "ok")).resolves.toBe("ok");
  });
});
