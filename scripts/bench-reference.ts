/**
 * `npm run bench:reference`: throughput and latency of the reference server (tiny-bert) at 10, 50
 * and 100 documents per request, against a bare onnxruntime session running the same batches.
 * The server runs in a child process (as `serve` would); the bare session runs here. Prints a
 * table; it is a measurement, not a test.
 *
 * Env: BENCH_SECONDS (per measurement, default 5), BENCH_CONCURRENCY (client requests in flight, default 4).
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
import type { EncodedPair } from "../src/reference/pair-encoder.js";

const MODEL = "tiny-bert";
const SIZES = [10, 50, 100];
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

async function main(): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [url] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const { describeOnnxruntime, resolveOnnxruntime } = await import("../src/util/optional-deps.js");
  console.log(`reference bench: ${MODEL}, ${availableParallelism()} cores (${cpu}), Node ${process.version}, ${describeOnnxruntime(resolveOnnxruntime())}`);
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
      const [spinning, quiet, server] = meters.map((m) => m.result()) as [Result, Result, Result];
      const bare = spinning.pairsPerSecond >= quiet.pairsPerSecond ? spinning : quiet;
      rows.push([
        String(docs),
        bare.pairsPerSecond.toFixed(0),
        bare.p50.toFixed(1),
        bare.p99.toFixed(1),
        server.pairsPerSecond.toFixed(0),
        server.p50.toFixed(1),
        server.p99.toFixed(1),
        `${((100 * server.pairsPerSecond) / bare.pairsPerSecond).toFixed(0)}%`,
      ]);
    }
  } finally {
    child.kill("SIGTERM");
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c]!)).join("  "));
  console.log("\nNote: server latency includes queueing behind the other in-flight requests; bare latency is one request alone.");
}

if (process.argv[2] === "--serve") {
  // Child mode: the server alone in its own process.
  const { startReferenceServer } = await import("../src/reference/server.js");
  const server = await startReferenceServer({ model: MODEL, port: 0, maxQueue: 1024 });
  process.stdout.write(`${server.url}\n`);
  process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}
