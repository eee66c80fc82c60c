// `npx tsx scripts/bench-abort.ts`: how much time `load --abort-on-fail` saves on an overloaded
// server. A single-queue server (one request at a time, BENCH_SERVICE_MS each: capacity
// 1000 / BENCH_SERVICE_MS req/s) is offered BENCH_OVERLOAD × its capacity for BENCH_DURATION,
// with and without the flag; each run's wall time (until runLoad returns: a full run also waits
// for its backlog to drain) and verdict are printed. A benchmark to read, not a timed test.
// Knobs: BENCH_SERVICE_MS (20), BENCH_OVERLOAD (3), BENCH_DURATION (20s), BENCH_TIMEOUT (30s).
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { parseDuration } from "../src/util/duration.js";
import { getDialect } from "../src/contract/registry.js";
import { runLoad } from "../src/load/run.js";

const serviceMs = Number(process.env["BENCH_SERVICE_MS"] ?? 20);
const overload = Number(process.env["BENCH_OVERLOAD"] ?? 3);
const durationMs = parseDuration(process.env["BENCH_DURATION"] ?? "20s");
const timeoutMs = parseDuration(process.env["BENCH_TIMEOUT"] ?? "30s");
const capacity = 1000 / serviceMs;
const rate = capacity * overload;

const body = JSON.stringify({ id: "bench", model: "bench", usage: { total_tokens: 1 }, results: [{ index: 0, relevance_score: 0.5, document: { text: "" } }] });
let lastFinish = 0;
const server = createServer((req, res: ServerResponse) => {
  req.resume();
  req.on("end", () => {
    // A virtual clock: finish = max(now, previous finish) + service time (one queue, FIFO).
    const finish = Math.max(performance.now(), lastFinish) + serviceMs;
    lastFinish = finish;
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(body), finish - performance.now());
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const target = { label: "single queue", baseUrl: url, dialect: getDialect("vllm"), apiKeyEnv: "RERANK_API_KEY", stop: async () => {} };

console.log(`single-queue server: ${capacity} req/s capacity, offered ${rate} req/s (${overload}x) for ${durationMs / 1000} s, timeout ${timeoutMs / 1000} s`);
for (const abortOnFail of [false, true]) {
  lastFinish = performance.now(); // the queue starts empty for each run
  const load = loadavg()[0]!.toFixed(1);
  const t0 = performance.now();
  const report = await runLoad(target, { docs: [1], rate, durationMs, warmupMs: 0, timeoutMs, abortOnFail });
  const wallS = (performance.now() - t0) / 1000;
  const s = report.scenarios[0]!;
  console.log(
    `${abortOnFail ? "--abort-on-fail" : "full run       "}  wall ${wallS.toFixed(1)} s  (load average ${load})  ${s.pass ? "PASS" : "FAIL"}` +
      `  ${s.aborted ? `aborted at ${s.aborted.at_s} s: ${s.aborted.reason}` : `sent ${s.sent}, ok ${s.ok}, errors ${s.errors}, dropped ${s.dropped}`}`,
  );
}
server.closeAllConnections();
server.close();
