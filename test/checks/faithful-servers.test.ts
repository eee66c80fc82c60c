import { afterAll, describe, expect, test } from "vitest";
import { ConformanceSession } from "../../src/checks/run.js";
import { startCohereLikeServer, startInfinityLikeServer, startJinaLikeServer, startLlamacppLikeServer } from "../servers/dialect-servers.js";
import { dialectTarget } from "../servers/target.js";
import { startTeiLikeServer } from "../servers/tei-like.js";
import { startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";

// Imitations of each server written from its own source pass `check`: the dialects'
// expectations agree with the real code. llama.cpp's two upstream faults are KNOWN (exit 0)
// and fail the run under --strict.
const session = new ConformanceSession();
afterAll(() => session.close());

const notPassing = (outcomes: { id: string; status: string; message?: string }[]) =>
  outcomes.filter((o) => o.status === "fail" || o.status === "warn" || o.status === "xpass").map((o) => `${o.id}: ${o.message}`);

const FAITHFUL: [string, string, () => Promise<TestServer>][] = [
  ["Infinity (FastAPI 422 bodies, whitespace stripping)", "infinity", () => startInfinityLikeServer()],
  ["current vLLM (400 for an unknown model)", "vllm", () => startVllmLikeServer({ layout: "pooling" })],
  ["Jina", "jina", () => startJinaLikeServer()],
  ["Cohere v1", "cohere-v1", () => startCohereLikeServer(1)],
  ["Cohere v2", "cohere-v2", () => startCohereLikeServer(2)],
  // An operator's --max-client-batch-size, reported by GET /info, is the limit errors.too_many_documents tests.
  ["TEI (bare-array answers, --max-client-batch-size 64)", "tei", () => startTeiLikeServer({ maxClientBatchSize: 64 })],
];

describe("faithful imitations pass check", () => {
  for (const [title, dialect, start] of FAITHFUL) {
    test(`${title} (dialect ${dialect})`, async () => {
      const server = await start();
      try {
        const report = await session.run(dialectTarget(server, dialect), { timeoutMs: 5_000, fuzz: 20 });
        expect(notPassing(report.checks)).toEqual([]);
        expect(report.summary.known).toBe(0);
        expect(report.passed).toBe(true);
      } finally {
        await server.close();
      }
    });
  }

  test("Infinity: the over-long document is a 422 string_too_long, and echoes are stripped", async () => {
    const server = await startInfinityLikeServer();
    try {
      const report = await session.run(dialectTarget(server, "infinity"), { timeoutMs: 5_000, only: ["errors.too_long", "documents.echo_exact"] });
      expect(report.checks.map((o) => o.status)).toEqual(["pass", "pass"]);
      expect(report.checks.find((o) => o.id === "documents.echo_exact")!.source).toMatch(/pydantic_v2\.py INPUT_STRING/);
    } finally {
      await server.close();
    }
  });

  test("llama.cpp (500s, Content-Type ignored): known faults are KNOWN, exit 0; --strict fails them", async () => {
    const server = await startLlamacppLikeServer();
    try {
      const report = await session.run(dialectTarget(server, "llamacpp"), { timeoutMs: 5_000, fuzz: 20 });
      expect(notPassing(report.checks)).toEqual([]);
      const known = report.checks.filter((o) => o.status === "known");
      expect(known.map((o) => o.id).sort()).toEqual(["errors.malformed_json", "errors.too_long"]);
      expect(known[0]!.known_fault).toMatchObject({ origin: "dialect" });
      expect(known.find((o) => o.id === "errors.malformed_json")!.message).toMatch(/ex_wrapper.*this run: .*expected 400, got 500/);
      expect(report.checks.find((o) => o.id === "errors.wrong_content_type")!.status).toBe("pass");
      expect(report.passed).toBe(true);

      const strict = await session.run(dialectTarget(server, "llamacpp"), { timeoutMs: 5_000, strict: true, only: ["errors."] });
      expect(
        strict.checks
          .filter((o) => o.status === "fail")
          .map((o) => o.id)
          .sort(),
      ).toEqual(["errors.malformed_json", "errors.too_long"]);
      expect(strict.passed).toBe(false);
    } finally {
      await server.close();
    }
  });
});
