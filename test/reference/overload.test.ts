import { spawn } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { get, isErrorEnvelope, post, SEED, waitForQueueDepth } from "./helpers.js";
import { heavyBody, openLoop } from "./overload-traffic.js";
import { DEADLINE_HEADER, startReferenceServer, submitOptions } from "../../src/reference/server.js";

const heavy = (i: number) => ({
  query: `query number ${i} about the capital of France`,
  documents: Array.from({ length: 100 }, (_, d) => `document ${d} of request ${i}: ${"some words about cities and rivers ".repeat(8)}`),
});

describe("reference server: overload and shutdown", () => {
  it("sheds at once with 503 + Retry-After when the queue is full, then recovers", async () => {
    // The hard cap alone (admission by expected wait off): a cap of 2 is hit at once.
    const server = await startReferenceServer({ model: "tiny-bert", port: 0, maxQueue: 2, maxQueueTimeMs: 0 });
    try {
      const started = performance.now();
      const responses = await Promise.all(Array.from({ length: 24 }, (_, i) => post(`${server.url}/rerank`, heavy(i))));
      const statuses = responses.map((r) => r.status);
      expect(new Set(statuses)).toEqual(new Set([200, 503]));
      const shed = responses.filter((r) => r.status === 503);
      expect(shed.length).toBeGreaterThan(10);
      for (const r of shed) {
        expect(Number(r.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(r.body.error.code).toBe(503);
      }
      expect(performance.now() - started).toBeLessThan(20_000);
      // Recovered: the queue drained and new work is accepted.
      const after = await post(`${server.url}/rerank`, { query: SEED.query, documents: SEED.documents });
      expect(after.status).toBe(200);
      const metrics = (await get(`${server.url}/metrics`)).text;
      const shedByReason = [...metrics.matchAll(/^rerank_shed_total\{reason="(\w+)"\} (\d+)$/gm)];
      expect(shedByReason.reduce((n, m) => n + Number(m[2]), 0)).toBe(shed.length);
      expect(shedByReason.map((m) => m[1])).toContain("queue_full");
      expect(metrics).toMatch(/^rerank_queue_depth 0$/m);
    } finally {
      await server.close();
    }
  });

  it("close() finishes in-flight requests and refuses new ones", async () => {
    const server = await startReferenceServer({ model: "tiny-bert", port: 0, maxQueueTimeMs: 0 });
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
    const child = spawn(process.execPath, ["--import", "tsx", entry, "serve", "--model", "tiny-bert", "--port", "0", "--served-model-name", SEED.model], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      expect(url, `${line}\n${stderr}`).toBeDefined();
      // One line when ready, as `serve --help` says: on stdout, none on stderr.
      expect(line).toMatch(new RegExp(`^rerank-harness serving ${SEED.model} \\(model tiny-bert\\) at ${url} \\(onnxruntime-node \\d+\\.\\d+\\.\\d+[^)]*\\)$`));
      expect(stderr).toBe("");
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

/** Starts `serve` in a child process (so test traffic and server do not share a thread). */
async function serveChild(args: string[]) {
  const entry = fileURLToPath(new URL("./serve-entry.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", entry, "serve", "--port", "0", ...args], {
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
  if (!url) throw new Error(`serve printed no URL: ${line}\n${stderr}`);
  return { url, stop: () => child.kill("SIGKILL") };
}

const metric = (text: string, name: string) => [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce((n, m) => n + Number(m[1]), 0);

describe("reference server: admission by expected wait, cancellation, deadlines", () => {
  it("under a flood far above capacity, admitted requests wait a bounded time and the rest get 503 + Retry-After", async () => {
    // 200 req/s of 100-document requests for 3 s is many times tiny-bert's capacity on any CPU.
    const server = await serveChild(["--model", "tiny-bert"]);
    try {
      const outcomes = await openLoop({ url: server.url, rate: 200, seconds: 3, body: (i) => heavyBody(i) });
      const served = outcomes.filter((o) => o.status === 200);
      const shed = outcomes.filter((o) => o.status === 503);
      expect(
        outcomes.filter((o) => o.error),
        "no connection errors",
      ).toEqual([]);
      expect(served.length + shed.length).toBe(outcomes.length);
      expect(served.length).toBeGreaterThan(0);
      expect(shed.length).toBeGreaterThan(outcomes.length / 2);
      for (const o of shed) expect(Number(o.retryAfter)).toBeGreaterThanOrEqual(1);
      // The queue is bounded by its expected wait (1 s by default), not by its length: without
      // admission by wait, 64 queued 100-document requests wait many seconds on tiny-bert. The
      // server's own queue-time histogram is asserted, not client latency, which on a shared
      // CI machine also counts the test process's own lag (npm run bench:reference measures it).
      const metrics = (await get(`${server.url}/metrics`)).text;
      expect(metrics).toMatch(/^rerank_shed_total\{reason="queue_time"\} [1-9]\d*$/m);
      const admitted = metric(metrics, "rerank_queue_seconds_count");
      expect(admitted).toBeGreaterThan(0);
      expect(metric(metrics, 'rerank_queue_seconds_bucket\\{le="2.5"\\}')).toBe(admitted);
      // Recovered: a request afterwards succeeds.
      const [after] = await openLoop({ url: server.url, rate: 1, seconds: 1, body: () => heavyBody(99_999) });
      expect(after!.status).toBe(200);
    } finally {
      server.stop();
    }
  }, 60_000);

  it("drops the queued pairs of clients that disconnected, and counts them", async () => {
    // No shedding here: every request is admitted, then abandoned by its client at 50 ms.
    const server = await serveChild(["--model", "tiny-bert", "--max-queue-time", "0", "--max-queue", "1000"]);
    try {
      const sentPairs = 20 * 100;
      const outcomes = await openLoop({ url: server.url, rate: 100, seconds: 0.2, body: (i) => heavyBody(i), timeoutMs: 50 });
      expect(outcomes.filter((o) => o.status === undefined).length).toBeGreaterThan(10);
      let metrics = "";
      for (let i = 0; i < 200; i++) {
        metrics = (await get(`${server.url}/metrics`)).text;
        if (metric(metrics, "rerank_queue_depth") === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const cancelled = metric(metrics, "rerank_cancelled_pairs_total");
      const computed = metric(metrics, "rerank_batch_size_sum");
      expect(cancelled).toBeGreaterThan(0);
      // Every pair is either computed or dropped, never both, and much was dropped.
      expect(computed + cancelled).toBeLessThanOrEqual(sentPairs);
      expect(computed).toBeLessThan(sentPairs * 0.75);
      const fresh = await post(`${server.url}/rerank`, JSON.parse(heavyBody(50_000)));
      expect(fresh.status).toBe(200);
    } finally {
      server.stop();
    }
  }, 60_000);

  it("sees a client that left before its request's handler ran (its 'close' already fired)", () => {
    const fake = (socketDestroyed: boolean) => {
      const raw = Object.assign(new EventEmitter(), { destroyed: socketDestroyed, writableFinished: false });
      const request = { headers: {}, raw: { socket: { destroyed: socketDestroyed } } };
      return { signal: submitOptions(request as never, { raw, elapsedTime: 0 } as never).signal!, raw };
    };
    expect(fake(true).signal.aborted).toBe(true);
    const open = fake(false);
    expect(open.signal.aborted).toBe(false);
    open.raw.emit("close"); // the client goes while the request waits
    expect(open.signal.aborted).toBe(true);
  });

  it("honours x-request-timeout-ms: refuses work it cannot finish in time, and rejects a bad value with 400", async () => {
    const server = await startReferenceServer({ model: "tiny-bert", port: 0 });
    try {
      const tooShort = await post(`${server.url}/rerank`, JSON.parse(heavyBody(1)), { [DEADLINE_HEADER]: "1" });
      expect(tooShort.status).toBe(503);
      expect(tooShort.body.error.message).toMatch(/deadline of \d+ ms/);
      expect(Number(tooShort.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      const roomy = await post(`${server.url}/rerank`, JSON.parse(heavyBody(2)), { [DEADLINE_HEADER]: "60000" });
      expect(roomy.status).toBe(200);
      for (const bad of ["soon", "-5", "0", "1.5"]) {
        const res = await post(`${server.url}/rerank`, SEED, { [DEADLINE_HEADER]: bad });
        expect(res.status, bad).toBe(400);
        expect(isErrorEnvelope(res.body, 400)).toBe(true);
        expect(res.body.error.param).toBe(DEADLINE_HEADER);
      }
      const metrics = (await get(`${server.url}/metrics`)).text;
      expect(metrics).toMatch(/^rerank_shed_total\{reason="deadline"\} 1$/m);
    } finally {
      await server.close();
    }
  });
});
