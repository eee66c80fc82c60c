import { afterAll, describe, expect, test } from "vitest";
import { ConformanceSession, PreflightError } from "../../src/checks/run.js";
import { closedPortUrl, HOSTILE, startHangsAfterFirst, startHostileServer, type Hostile } from "../servers/hostile.js";
import { asTarget } from "../servers/target.js";
import type { TestServer } from "../servers/vllm-like.js";

// A target that cannot answer one basic request stops the run at once (exit 2), and a
// server that stops answering later never makes the run hang.
const session = new ConformanceSession();
afterAll(() => session.close());

const EXPECTED_CODE: Record<Hostile, string> = {
  never_answers: "ERR_REQUEST_TIMEOUT",
  resets: "ERR_CONNECTION_RESET",
  html_200: "ERR_PREFLIGHT_NOT_JSON",
  giant_body: "ERR_RESPONSE_TOO_LARGE",
  slow_body: "ERR_REQUEST_TIMEOUT",
  not_http: "ERR_NOT_HTTP",
};

async function preflightFailure(server: TestServer | { url: string; close?: () => Promise<void> }, timeoutMs = 1_500) {
  const started = Date.now();
  try {
    await session.run(asTarget(server as TestServer, "hostile"), { timeoutMs });
  } catch (err) {
    return { err, ms: Date.now() - started };
  } finally {
    await server.close?.();
  }
  throw new Error("the run did not stop at the preflight");
}

describe("preflight stops a target that cannot answer", () => {
  for (const kind of Object.keys(HOSTILE) as Hostile[]) {
    test(`${kind}: ${HOSTILE[kind]} → ${EXPECTED_CODE[kind]}`, async () => {
      const { err, ms } = await preflightFailure(await startHostileServer(kind));
      expect(err).toBeInstanceOf(PreflightError);
      expect((err as PreflightError).reason).toBe(EXPECTED_CODE[kind]);
      expect(ms).toBeLessThan(5_000);
    });
  }

  test("connection refused", async () => {
    const { err, ms } = await preflightFailure({ url: await closedPortUrl() });
    expect((err as PreflightError).reason).toBe("ERR_CONNECTION_REFUSED");
    expect((err as PreflightError).message).toMatch(/is the server running/);
    expect(ms).toBeLessThan(3_000);
  });
});

describe("a target that stops answering after the preflight", () => {
  test("fails its checks quickly instead of waiting out every timeout", async () => {
    const server = await startHangsAfterFirst();
    const started = Date.now();
    try {
      const report = await session.run(asTarget(server, "hangs"), { timeoutMs: 800, fuzz: 5 });
      expect(report.passed).toBe(false);
      expect(report.summary.pass).toBe(0);
      const failed = report.checks.filter((o) => o.status === "fail");
      expect(failed.length).toBeGreaterThan(30);
      expect(failed.some((o) => /stopped answering|timed out|no complete response/.test(o.message ?? ""))).toBe(true);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await server.close();
    }
  });
});
