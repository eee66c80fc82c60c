// @ts-nocheck
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { get, post, SEED, waitForQueueDepth } from "./helpers.js";
import { startReferenceServer } from "../../src/reference/server.js";

const heavy = (i: number) => ({
  query: `query number ${i} about the capital of France`,
  documents: Array.from({ length: 100 }, (_, d) => `document ${d} of request ${i}: ${"some words about cities and rivers ".repeat(8)}`),
});

describe("reference server: overload and shutdown", () => {
  it("sheds at once with 503 + Retry-After when the queue is full, then recovers", async () => {
    const server = await startReferenceServer({ model: "tiny-bert", port: 0, maxQueue: 2 });
    try {
      const started = performance.now();
      const responses = await Promise.all(Array.from({ length: 24 }, (_, i) => post(`${server.url}/rerank`, heavy(i))));
      const statuses = responses.map((r) => r.status);
      expect(new Set(statuses)).toEqual(new Set([200, 503]));
      const shed = responses.filter((r) => r.status === 503);
      expect(shed.length).toBeGreaterThan(10);
      for (const r of shed) {
        expect(r.headers["retry-after"]).toBe("1");
        expect(r.body.error.code).toBe(503);
      }
      expect(performance.now() - started).toBeLessThan(20_000);
      // Recovered: the queue drained and new work is accepted.
      const after = await post(`${server.url}/rerank`, { query: SEED.query, documents: SEED.documents });
      expect(after.status).toBe(200);
      const metrics = (await get(`${server.url}/metrics`)).text;
      expect(metrics).toMatch(new RegExp(`^rerank_shed_total ${shed.length}$`, "m"));
      expect(metrics).toMatch(/^rerank_queue_depth 0$/m);
    } finally {
      await server.close();
    }
  });

  it("close() finishes in-flight requests and refuses new ones", async () => {
    const server = await startReferenceServer({ model: "tiny-bert", port: 0 });
    const inflight = Array.from({ length: 3 }, (_, i) => post(`${server.url}/rerank`, heavy(i)));
    // Close only once all three are inside the server (queued or running).
    await waitForQueueDepth(server.url, 3);
    const closing = server.close();
    const results = await Promise.all(inflight);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const r of results) expect(r.body.results).toHaveLength(100);
    // A request that races the close gets a 503; after it, the port is closed.
    await closing;
    await expect(post(`${server.url}/rerank`, SEED)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("`serve` prints its URL, and on SIGTERM finishes in-flight work and exits 0", async () => {
    const entry = fileURLToPath(new URL("./serve-entry.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", entry, "serve", "--model", "tiny-bert", "--port", "0", "--served-model-name", SEED.model],
      { env: process.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      expect(url, `${line}\n${stderr}`).toBeDefined();
      const pending = post(`${url}/v1/rerank`, { model: SEED.model, ...heavy(1) });
      await waitForQueueDepth(url!, 1);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(100);
      const [code] = await exited;
      expect(code, stderr).toBe(0);
      expect(stderr).toContain("SIGTERM");
    } finally {
      child.kill("SIGKILL");
    }
  });
});
