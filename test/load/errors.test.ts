import { afterEach, describe, expect, it } from "vitest";
import { runLoad } from "../../src/load/run.js";
import { LoadReport } from "../../src/load/report.js";
import { fixedDelay, startTestServer, targetAt, vllmBody, type TestServer } from "./servers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("errors by class", () => {
  it("counts 4xx, 5xx, timeouts, broken connections and bodies the dialect rejects, and fails the scenario", async () => {
    let n = 0;
    server = await startTestServer((_req, res) => {
      const kind = n++ % 6;
      const send = (status: number, body: string): void => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body);
      };
      if (kind === 0) send(200, vllmBody());
      else if (kind === 1) send(503, JSON.stringify({ error: { message: "overloaded", type: "ServiceUnavailable", code: 503 } }));
      else if (kind === 2) send(422, JSON.stringify({ error: "bad", error_type: "Validation" }));
      else if (kind === 3) send(200, JSON.stringify({ results: "not a list" }));
      else if (kind === 4) res.socket?.destroy();
      // kind 5: never answers; the generator's deadline ends it.
    });
    const report = await runLoad(targetAt(server.url), { docs: [10], rate: 60, durationMs: 1_000, warmupMs: 0, timeoutMs: 1_500 });
    const s = report.scenarios[0]!;
    // (Timeout generous: on a loaded machine a normal answer must not be cut off.)
    expect({ sent: s.sent, ok: s.ok, ...s.errors_by_class }).toEqual({
      sent: 60,
      ok: 10,
      http_4xx: 10,
      http_5xx: 10,
      timeout: 10,
      connection: 10,
      invalid_body: 10,
    });
    expect(s.errors).toBe(50);
    expect(s.status_counts).toEqual({ "200": 20, "422": 10, "503": 10 });
    expect(s.sample_errors["http_5xx"]).toMatch(/HTTP 503/);
    expect(s.sample_errors["timeout"]).toMatch(/1500 ms/);
    expect(s.pass).toBe(false);
    expect(s.failures.some((f) => f.includes("errors and drops"))).toBe(true);
    expect(report.passed).toBe(false);
    // The report is what the schema says, so --json readers (compare) can parse it.
    expect(LoadReport.safeParse(report).success).toBe(true);
  }, 15_000);

  it("a refused connection is a connection error, not a crash", async () => {
    server = await startTestServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const s = (await runLoad(targetAt(url), { docs: [10], rate: 20, durationMs: 500, warmupMs: 0, timeoutMs: 1_000 })).scenarios[0]!;
    expect(s.sent).toBe(10);
    expect(s.errors_by_class.connection).toBe(10);
    expect(s.pass).toBe(false);
  }, 15_000);
});

describe("modes and scenarios", () => {
  it("closed loop: C users back to back, never more than C in flight, latency = service time", async () => {
    const delayed = fixedDelay(5);
    let inflight = 0;
    let peak = 0;
    server = await startTestServer((req, res, body) => {
      peak = Math.max(peak, ++inflight);
      res.on("finish", () => inflight--);
      delayed(req, res, body);
    });
    const s = (await runLoad(targetAt(server.url), { docs: [10], concurrency: 4, durationMs: 1_000, warmupMs: 200 })).scenarios[0]!;
    expect(s.mode).toBe("closed");
    expect(s.concurrency).toBe(4);
    expect(s.offered_rps).toBeNull();
    expect(s.ok).toBeGreaterThan(20);
    // At most 4 in flight, each ≥ 5 ms: at most ~800 per second.
    expect(s.achieved_rps).toBeLessThanOrEqual(4 * (1000 / 5) * 1.05);
    // Each user sends its next request when the last one is answered: exactly 4 at the server at a time.
    expect(peak).toBe(4);
    // A closed loop's send is its intended time, so latency and service time are the same samples.
    expect(s.latency_ms).toEqual(s.service_time_ms);
    expect(s.histograms.latency_us).toBe(s.histograms.service_time_us);
    // Held to the targets file's rate for 10 documents (200 req/s × 0.95).
    expect(s.target.min_achieved_rps).toBe(190);
  }, 15_000);

  it("--ramp runs each rate as its own scenario; default docs come from the targets file", async () => {
    server = await startTestServer(fixedDelay(2));
    const targets = {
      source: "test",
      achieved_rate_tolerance: 0.05,
      scenarios: [
        { docs: 3, rps: 30, p95_ms: 1_000 },
        { docs: 7, rps: 30, p95_ms: 1_000 },
      ],
    };
    const report = await runLoad(targetAt(server.url), { ramp: [10, 30], durationMs: 500, warmupMs: 0, targets, targetsSource: "inline" });
    expect(report.scenarios.map((s) => [s.name, s.docs, s.offered_rps, s.sent])).toEqual([
      ["docs_3@10rps", 3, 10, 5],
      ["docs_3@30rps", 3, 30, 15],
      ["docs_7@10rps", 7, 10, 5],
      ["docs_7@30rps", 7, 30, 15],
    ]);
    expect(report.targets_source).toBe("inline");
  }, 15_000);

  it("sends the dialect's body with the seeded workload's documents", async () => {
    const bodies: string[] = [];
    server = await startTestServer((_req, res, body) => {
      bodies.push(body);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(vllmBody());
    });
    const target = { ...targetAt(server.url), model: "BAAI/bge-reranker-base" };
    await runLoad(target, { docs: [5], rate: 20, durationMs: 500, warmupMs: 0, docTokens: { mean: 13, spread: 0 } });
    expect(bodies.length).toBe(10);
    const first = JSON.parse(bodies[0]!) as { model: string; query: string; documents: string[] };
    expect(first.model).toBe("BAAI/bge-reranker-base");
    expect(first.documents).toHaveLength(5);
    // 13 tokens at 1.3 tokens per word: 10 words each.
    for (const d of first.documents) expect(d.split(" ")).toHaveLength(10);
    expect(new Set(bodies).size).toBe(10);
  }, 15_000);
});
