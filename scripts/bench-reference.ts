/**
 * `npm run bench:reference`: throughput and latency of the reference server (tiny-bert) at 10, 50
 * and 100 documents per request, against a bare onnxruntime session running the same batches.
 * The server runs in a child process (as `serve` would); the bare session runs here. Prints a
 * table; it is a measurement, not a test.
 *
 * Then two overload scenarios against a server with default flags: a flood of 200 req/s of
 * 100-document requests for 10 s (admitted latency, shed count, recovery), and 5 s of 100 req/s
 * clients that give up after 300 ms followed by one fresh request (is abandoned work dropped?).
 *
 * Env: BENCH_SECONDS (per measurement, default 5), BENCH_CONCURRENCY (client requests in flight,
 * default 4), BENCH_ONLY=throughput|overload (one part), BENCH_SIZES (documents per request, default 10,50,100).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, cpus } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { mulberry32 } from "../src/reference/fixtures/prng.js";
import { loadBertVocab } from "../src/reference/fixtures/vocab.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EncodedPair } from "../src/reference/pair-encoder.js";

const MODEL = "tiny-bert";
const SIZES = (process.env.BENCH_SIZES ?? "10,50,100").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const TOKEN_BUDGET = 8192; // the scheduler's default

interface Request {
  query: string;
  documents: string[];
}

/** Deterministic requests: real vocabulary words, documents of 20–120 words. */
async function makeRequests(docsPerRequest: number, count: number): Promise<Request[]> {
  const words = (await loadBertVocab()).filter((w) => /^[a-z]{3,}$/.test(w)).slice(0, 8000);
  const rand = mulberry32(docsPerRequest);
  const text = (n: number) => Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(" ");
  return Array.from({ length: count }, () => ({
    query: text(8),
    documents: Array.from({ length: docsPerRequest }, () => text(20 + Math.floor(rand() * 100))),
  }));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The scheduler's batching for one request: sorted by length, cut at the token budget. */
function batches(pairs: EncodedPair[]): EncodedPair[][] {
  const sorted = [...pairs].sort((a, b) => a.ids.length - b.ids.length);
  const out: EncodedPair[][] = [];
  let start = 0;
  while (start < sorted.length) {
    let end = start + 1;
    while (end < sorted.length && (end - start + 1) * sorted[end]!.ids.length <= TOKEN_BUDGET) end += 1;
    out.push(sorted.slice(start, end));
    start = end;
  }
  return out;
}

interface Result {
  pairsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
}

/** Accumulates timed slices, so interleaved measurements see the same background load. */
class Meter {
  readonly latencies: number[] = [];
  seconds = 0;
  constructor(private readonly docs: number) {}
  result(): Result {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      pairsPerSecond: (sorted.length * this.docs) / this.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      requests: sorted.length,
    };
  }
}

type Slice = (meter: Meter, seconds: number) => Promise<void>;

/** Bare onnxruntime session on this thread, pre-tokenized and pre-batched: the ceiling. */
async function bareRunner(requests: Request[], spin: boolean): Promise<{ slice: Slice; close: () => Promise<void> }> {
  // The runtime the server resolves (RERANK_HARNESS_ONNXRUNTIME=bundled|peer picks one), on this
  // thread; tokenizing needs no session (the bundled 1.17 binding loads in one thread only).
  const { resolveOnnxruntime } = await import("../src/util/optional-deps.js");
  const ort = createRequire(import.meta.url)(resolveOnnxruntime().path) as typeof import("onnxruntime-node");
  const { resolveModelFiles } = await import("../src/reference/model-source.js");
  const { PairEncoder } = await import("../src/reference/pair-encoder.js");
  const { padBatch } = await import("../src/reference/session.js");
  const files = await resolveModelFiles(MODEL);
  const encoder = await PairEncoder.load(files.tokenizerPath, files.tokenizerConfigPath, JSON.parse(await readFile(files.configPath, "utf8")));
  const reranker = { encode: (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([q, d]) => encoder.encode(q, d, {})) };
  const session = await ort.InferenceSession.create(files.modelPath, {
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    extra: spin ? {} : { session: { intra_op: { allow_spinning: "0" } } },
  });
  const feeds = requests.map((r) =>
    batches(reranker.encode(r.documents.map((d) => [r.query, d] as const))).map((b) => {
      const { ids, mask, types, dims } = padBatch(b, 0);
      return {
        input_ids: new ort.Tensor("int64", ids, dims),
        attention_mask: new ort.Tensor("int64", mask, dims),
        token_type_ids: new ort.Tensor("int64", types, dims),
      };
    }),
  );
  for (const f of feeds[0]!) await session.run(f); // warm-up
  let i = 0;
  return {
    async slice(meter, seconds) {
      const started = performance.now();
      while (performance.now() - started < seconds * 1000) {
        const t = performance.now();
        for (const f of feeds[i % feeds.length]!) await session.run(f);
        meter.latencies.push(performance.now() - t);
        i += 1;
      }
      meter.seconds += (performance.now() - started) / 1000;
    },
    close: () => session.release(),
  };
}

/** The same requests through HTTP, CONCURRENCY in flight, closed loop. */
async function serverRunner(url: string, requests: Request[]): Promise<{ slice: Slice; close: () => Promise<void> }> {
  const pool = new Pool(url, { connections: CONCURRENCY });
  const bodies = requests.map((r) => JSON.stringify({ model: MODEL, query: r.query, documents: r.documents, return_documents: false }));
  const send = async (body: string) => {
    const res = await pool.request({ path: "/rerank", method: "POST", headers: { "content-type": "application/json" }, body });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text}`);
  };
  for (let w = 0; w < CONCURRENCY; w++) await send(bodies[w % bodies.length]!); // warm-up
  let next = 0;
  return {
    async slice(meter, seconds) {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() - started < seconds * 1000) {
            const body = bodies[next++ % bodies.length]!;
            const t = performance.now();
            await send(body);
            meter.latencies.push(performance.now() - t);
          }
        }),
      );
      meter.seconds += (performance.now() - started) / 1000;
    },
    close: () => pool.close(),
  };
}

/** Starts this script in child mode: the server alone in its own process, as `serve` runs it. */
async function startServerChild(mode: "--serve" | "--serve-defaults") {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [url] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return { url, stop: () => child.kill("SIGTERM") };
}

async function throughput(): Promise<void> {
  const server = await startServerChild("--serve");
  const url = server.url;
  console.log(`${SECONDS}s per measurement, in interleaved slices; server: ${CONCURRENCY} requests in flight over HTTP; bare: one session.run at a time, best of spinning/non-spinning threads\n`);
  const rows: string[][] = [["docs/req", "bare pairs/s", "bare p50 ms", "bare p99 ms", "server pairs/s", "server p50 ms", "server p99 ms", "ratio"]];
  try {
    for (const docs of SIZES) {
      const requests = await makeRequests(docs, 32);
      // The baseline is the better of onnxruntime's defaults (spinning threads) and the server's
      // setting; the three alternate in short slices so background load hits them alike.
      const runners = [await bareRunner(requests, true), await bareRunner(requests, false), await serverRunner(url, requests)];
      const meters = runners.map(() => new Meter(docs));
      const rounds = Math.max(1, Math.round(SECONDS));
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < runners.length; k++) await runners[k]!.slice(meters[k]!, SECONDS / rounds);
      }
      for (const runner of runners) await runner.close();
      const [spinning, quiet, result] = meters.map((m) => m.result()) as [Result, Result, Result];
      const bare = spinning.pairsPerSecond >= quiet.pairsPerSecond ? spinning : quiet;
      rows.push([
        String(docs),
        bare.pairsPerSecond.toFixed(0),
        bare.p50.toFixed(1),
        bare.p99.toFixed(1),
        result.pairsPerSecond.toFixed(0),
        result.p50.toFixed(1),
        result.p99.toFixed(1),
        `${((100 * result.pairsPerSecond) / bare.pairsPerSecond).toFixed(0)}%`,
      ]);
    }
  } finally {
    server.stop();
  }
  printTable(rows);
  console.log("\nNote: server latency includes queueing behind the other in-flight requests; bare latency is one request alone.");
}

/**
 * `rerank-harness load` against `url` (open loop, from intended send times, its own worker
 * thread): the harness's generator keeps its schedule where a simple client would lag.
 */
function loadRun(url: string, args: string[]): Promise<{ scenarios: Array<Record<string, any>> }> {
  const json = join(mkdtempSync(join(tmpdir(), "rh-bench-")), "load.json");
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", cli, "load", "--target", url, "--model", MODEL, "--warmup", "0s", "--json", json, "--no-progress", ...args],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  return once(child, "exit").then(() => JSON.parse(readFileSync(json, "utf8")));
}

/** The two overload scenarios, each against a fresh server with default flags. */
async function overload(): Promise<void> {
  const statuses = (s: Record<string, any>) =>
    Object.entries(s.status_counts as Record<string, number>)
      .map(([k, n]) => `${k}: ${n}`)
      .concat(s.errors_by_class.timeout ? [`client timeout: ${s.errors_by_class.timeout}`] : [])
      .concat(s.errors_by_class.connection ? [`connection error: ${s.errors_by_class.connection}`] : [])
      .join(", ");
  const freshBody = JSON.stringify({ model: MODEL, ...(await makeRequests(100, 1))[0]!, return_documents: false });
  const fresh = async (url: string) => {
    const started = performance.now();
    const res = await fetch(`${url}/rerank`, { method: "POST", headers: { "content-type": "application/json" }, body: freshBody });
    await res.text();
    return `${res.status} in ${(performance.now() - started).toFixed(0)} ms`;
  };

  console.log("\noverload: 200 req/s of 100-document requests for 10 s, server with default flags (--max-queue 64, --max-queue-time 1s)");
  let server = await startServerChild("--serve-defaults");
  try {
    const [flood] = (await loadRun(server.url, ["--docs", "100", "--rate", "200", "--duration", "10s", "--timeout", "30s"])).scenarios;
    const after = await fresh(server.url);
    printTable([
      ["sent", "answers", "admitted p50 ms", "admitted p99 ms", "admitted max ms", "request after"],
      [String(flood!.sent), statuses(flood!), flood!.latency_ms.p50.toFixed(0), flood!.latency_ms.p99.toFixed(0), flood!.latency_ms.max.toFixed(0), after],
    ]);
  } finally {
    server.stop();
  }

  console.log("\nabandoned clients: 5 s of 100 req/s of 100-document requests whose clients give up at 300 ms, then one fresh request");
  server = await startServerChild("--serve-defaults");
  try {
    const [gone] = (await loadRun(server.url, ["--docs", "100", "--rate", "100", "--duration", "5s", "--timeout", "300ms"])).scenarios;
    const next = await fresh(server.url);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name: string) => new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? "0";
    printTable([
      ["sent", "answers", "pairs dropped unrun", "pairs computed", "fresh request"],
      [String(gone!.sent), statuses(gone!), value("rerank_cancelled_pairs_total"), value("rerank_batch_size_sum"), next],
    ]);
  } finally {
    server.stop();
  }
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c]!)).join("  "));
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const { describeOnnxruntime, resolveOnnxruntime } = await import("../src/util/optional-deps.js");
  console.log(`reference bench: ${MODEL}, ${availableParallelism()} cores (${cpu}), Node ${process.version}, ${describeOnnxruntime(resolveOnnxruntime())}`);
  const only = process.env.BENCH_ONLY;
  if (only !== "overload") await throughput();
  if (only !== "throughput") await overload();
}

if (process.argv[2] === "--serve" || process.argv[2] === "--serve-defaults") {
  // Child mode: the server alone in its own process. The throughput bench lifts the queue caps
  // so that only its own concurrency limits the server; the overload bench keeps the defaults.
  const { startReferenceServer } = await import("../src/reference/server.js");
  const lifted = process.argv[2] === "--serve" ? { maxQueue: 1024, maxQueueTimeMs: 0 } : {};
  const server = await startReferenceServer({ model: MODEL, port: 0, ...lifted });
  process.stdout.write(`${server.url}\n`);
  process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}
