// `npm run bench:load`: the generator's closed-loop maximum rate against a trivial local server,
// next to autocannon (devDependency) and wrk (where installed), with the same connections and
// duration. A benchmark to read, not a timed test. Tools take turns for BENCH_ROUNDS rounds so a
// busy machine slows them alike; each tool's median round is reported. Knobs: BENCH_CONNECTIONS
// (50), BENCH_DURATION (10s), BENCH_ROUNDS (3), BENCH_DOCS (10).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseDuration } from "../src/util/duration.js";
import { getDialect } from "../src/contract/registry.js";
import { loadDefaultCorpus } from "../src/load/fixtures.js";
import { runLoad } from "../src/load/run.js";
import { WorkloadGenerator, DEFAULT_WORKLOAD } from "../src/load/workload.js";

const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 50);
const durationMs = parseDuration(process.env["BENCH_DURATION"] ?? "10s");
const docs = Number(process.env["BENCH_DOCS"] ?? 10);
const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3);
const durationS = Math.round(durationMs / 1000);

/** The trivial server: a fixed vLLM-shaped answer, in its own process (as it would be in real use). */
const SERVER = `
const http = require("node:http");
const body = JSON.stringify({ id: "bench", model: "bench", usage: { total_tokens: 1 }, results: [{ index: 0, relevance_score: 0.5, document: { text: "" } }] });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => { res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }); res.end(body); });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

function requestBody(): Promise<string> {
  return loadDefaultCorpus().then((corpus) => {
    const payload = new WorkloadGenerator(corpus, { ...DEFAULT_WORKLOAD, docs }).next();
    return JSON.stringify(getDialect("vllm").buildRequest(payload).body);
  });
}

interface Row {
  tool: string;
  rps: number | null;
  /** The load generator's own CPU time (user + system) per request: steadier than req/s on a shared machine. */
  cpuUsPerReq?: number;
  note: string;
}

async function ours(url: string): Promise<Row> {
  const target = { label: "bench", baseUrl: url, dialect: getDialect("vllm"), apiKeyEnv: "RERANK_API_KEY", stop: async () => {} };
  const cpu0 = process.cpuUsage();
  const report = await runLoad(target, { docs: [docs], concurrency: connections, durationMs, warmupMs: 0, workers: 1 });
  const cpu = process.cpuUsage(cpu0);
  const s = report.scenarios[0]!;
  return {
    tool: `rerank-harness load --concurrency ${connections} --workers 1`,
    rps: s.achieved_rps,
    cpuUsPerReq: (cpu.user + cpu.system) / Math.max(1, s.sent),
    note: `p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms, errors ${s.errors}; parses and validates every body with the dialect`,
  };
}

/** Runs a command under bash and reads its CPU time from bash's `times` (children's user and system). */
function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; cpuS: number }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", '"$@"; code=$?; times >&2; exit $code', "bench", cmd, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => resolve({ code: -1, stdout, stderr: String(err), cpuS: 0 }));
    child.on("close", (code) => {
      // `times` prints the shell's line, then its children's: "0m1.234s 0m0.567s".
      const children = stderr.trim().split("\n").pop() ?? "";
      const cpuS = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
      resolve({ code, stdout, stderr, cpuS });
    });
  });
}

async function autocannon(url: string, body: string): Promise<Row> {
  const bin = join(process.cwd(), "node_modules", "autocannon", "autocannon.js");
  const r = await run(process.execPath, [
    bin,
    "-c",
    String(connections),
    "-d",
    String(durationS),
    "-m",
    "POST",
    "-H",
    "content-type=application/json",
    "-b",
    body,
    "-j",
    `${url}/rerank`,
  ]);
  if (r.code !== 0) return { tool: "autocannon", rps: null, note: `failed: ${r.stderr.trim().split("\n").pop()}` };
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    duration: number;
    "2xx": number;
  };
  return {
    tool: `autocannon -c ${connections} -d ${durationS}`,
    rps: Math.round((out["2xx"] / out.duration) * 10) / 10,
    cpuUsPerReq: (r.cpuS * 1e6) / Math.max(1, out["2xx"] + out.non2xx),
    note: `p50 ${out.latency.p50} ms, p99 ${out.latency.p99} ms, errors ${out.errors + out.non2xx}; reads bodies, no validation`,
  };
}

async function wrk(url: string, body: string): Promise<Row> {
  if (spawnSync("wrk", ["--version"]).error) return { tool: "wrk", rps: null, note: "not installed (apt-get install wrk)" };
  const script = join(mkdtempSync(join(tmpdir(), "bench-load-")), "post.lua");
  writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`);
  const r = await run("wrk", ["-t1", `-c${connections}`, `-d${durationS}s`, "--latency", "-s", script, `${url}/rerank`]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  const p50 = /\s50%\s+(\S+)/.exec(r.stdout);
  const p99 = /\s99%\s+(\S+)/.exec(r.stdout);
  if (!rps) return { tool: "wrk", rps: null, note: `failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}` };
  const total = /(\d+) requests in/.exec(r.stdout);
  return {
    tool: `wrk -t1 -c${connections} -d${durationS}s`,
    rps: Number(rps[1]),
    cpuUsPerReq: (r.cpuS * 1e6) / Math.max(1, Number(total?.[1] ?? 1)),
    note: `p50 ${p50?.[1]}, p99 ${p99?.[1]}; C, one thread, no body parsing`,
  };
}

const body = await requestBody();
const server = await startServer();
const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
console.error(
  `bench:load — ${availableParallelism()} cores (${cpu}), Node ${process.version}, ${connections} connections, ${durationS}s each, ${docs}-document vLLM bodies (${body.length} bytes), trivial server in its own process`,
);
const results = new Map<string, Row[]>();
try {
  for (let round = 1; round <= rounds; round++) {
    for (const step of [() => ours(server.url), () => autocannon(server.url, body), () => wrk(server.url, body)]) {
      const row = await step();
      console.error(`  round ${round}: ${row.tool}: ${row.rps ?? "-"} req/s, ${row.cpuUsPerReq?.toFixed(1) ?? "-"} µs CPU/req (${row.note})`);
      results.set(row.tool, [...(results.get(row.tool) ?? []), row]);
    }
  }
} finally {
  server.child.kill();
}

/** The round with the median rate (failed rounds sort first). */
function median(rows: Row[]): Row {
  const sorted = [...rows].sort((a, b) => (a.rps ?? -1) - (b.rps ?? -1));
  return sorted[Math.floor(sorted.length / 2)]!;
}

const medians = [...results.values()].map(median);
console.log(`\n| tool | req/s (median of ${rounds}) | generator CPU µs/req | notes |\n|---|---:|---:|---|`);
for (const r of medians) {
  console.log(`| \`${r.tool}\` | ${r.rps === null ? "–" : r.rps.toFixed(0)} | ${r.cpuUsPerReq === undefined ? "–" : r.cpuUsPerReq.toFixed(1)} | ${r.note} |`);
}
const mine = medians[0]?.rps ?? 0;
const ac = medians[1]?.rps;
if (ac) {
  // Paired per round too: the two ran back to back, so machine-wide slowdowns mostly cancel.
  const [ourRounds, acRounds] = [...results.values()];
  const paired = ourRounds!.map((r, i) => (r.rps ?? 0) / (acRounds![i]!.rps ?? Infinity)).sort((a, b) => a - b);
  console.log(
    `\nrerank-harness / autocannon: ${(mine / ac).toFixed(2)}× on medians; per round ${paired.map((x) => x.toFixed(2)).join(", ")} (median ${paired[Math.floor(paired.length / 2)]!.toFixed(2)}×); goal ≥ 1.00×`,
  );
}

// Remote write's cost (`load --out prometheus-rw`): open loop at BENCH_RW_RATE (2000) req/s, one
// worker, rounds alternating without and with streaming (push every second, 5x k6's default
// rate of writes) to the real Prometheus where installed (else a stand-in receiver in its own
// process). Reported: achieved rate, this process's CPU per request, and heap/RSS over the run.
// BENCH_RW_ROUNDS (3), BENCH_RW_DURATION (10s); BENCH_RW=0 skips it.
if (process.env["BENCH_RW"] !== "0") await benchRemoteWrite();

async function benchRemoteWrite(): Promise<void> {
  const { existsSync } = await import("node:fs");
  const { RemoteWriteSink, snapshotFromProgress } = await import("../src/distributed/remote-write/sink.js");
  const rate = Number(process.env["BENCH_RW_RATE"] ?? 2_000);
  const rwRounds = Number(process.env["BENCH_RW_ROUNDS"] ?? 3);
  const rwDurationMs = parseDuration(process.env["BENCH_RW_DURATION"] ?? "10s");
  const receiver = await startReceiver(existsSync("/usr/bin/prometheus"));
  const srv = await startServer();
  const target = { label: "bench", baseUrl: srv.url, dialect: getDialect("vllm"), apiKeyEnv: "RERANK_API_KEY", stop: async () => {} };
  console.error(`\nremote write cost: open loop ${rate} req/s, ${rwDurationMs / 1000}s, ${rwRounds} rounds each way, receiver: ${receiver.kind}`);
  const rows: Array<{ rw: boolean; rps: number; cpuUs: number; heapMb: number[]; rssMb: number[]; notSent: number; sentSamples: number; busyUs: number }> = [];
  try {
    for (let round = 1; round <= rwRounds; round++) {
      for (const rw of [false, true]) {
        const sink = rw
          ? new RemoteWriteSink({
              url: receiver.writeUrl,
              testid: `bench-${round}`,
              instance: "bench",
              intervalMs: 1_000,
              timeoutMs: 2_000,
              maxQueue: 4,
              log: (l) => console.error(`  ${l}`),
            })
          : undefined;
        const heapMb: number[] = [];
        const rssMb: number[] = [];
        const sampler = setInterval(() => {
          const m = process.memoryUsage();
          heapMb.push(Math.round(m.heapUsed / 1e5) / 10);
          rssMb.push(Math.round(m.rss / 1e5) / 10);
        }, 1_000);
        sink?.start();
        const cpu0 = process.cpuUsage();
        const report = await runLoad(target, {
          docs: [docs],
          rate,
          durationMs: rwDurationMs,
          warmupMs: 1_000,
          workers: 1,
          ...(sink ? { onLive: (live) => sink.live(live.scenario, () => snapshotFromProgress(live)), onScenario: (r) => sink.finish(r) } : {}),
        });
        const stats = await sink?.close();
        const cpu = process.cpuUsage(cpu0);
        clearInterval(sampler);
        const s = report.scenarios[0]!;
        const row = {
          rw,
          rps: s.achieved_rps,
          cpuUs: (cpu.user + cpu.system) / Math.max(1, s.sent),
          heapMb,
          rssMb,
          notSent: stats?.samples_not_sent ?? 0,
          sentSamples: stats?.samples_sent ?? 0,
          busyUs: ((sink?.busyMs ?? 0) * 1000) / Math.max(1, s.sent),
        };
        rows.push(row);
        console.error(
          `  round ${round} ${rw ? "with remote write   " : "without remote write"}: ${row.rps} req/s, ${row.cpuUs.toFixed(1)} µs CPU/req, heap ${heapMb[0]}→${heapMb.at(-1)} MB, rss ${rssMb[0]}→${rssMb.at(-1)} MB` +
            (rw ? `, ${row.sentSamples} samples sent, ${row.notSent} not sent, encoding ${row.busyUs.toFixed(2)} µs/req` : ""),
        );
      }
    }
  } finally {
    srv.child.kill();
    await receiver.stop();
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const off = rows.filter((r) => !r.rw);
  const on = rows.filter((r) => r.rw);
  const rpsCost = (1 - med(on.map((r) => r.rps)) / med(off.map((r) => r.rps))) * 100;
  const cpuCost = (med(on.map((r) => r.cpuUs)) / med(off.map((r) => r.cpuUs)) - 1) * 100;
  const heapGrowth = med(on.map((r) => (r.heapMb.at(-1) ?? 0) - (r.heapMb[1] ?? r.heapMb[0] ?? 0)));
  console.log(`\n| remote write at ${rate} req/s | req/s (median of ${rwRounds}) | CPU µs/req | heap growth over the run (MB, median) |\n|---|---:|---:|---:|`);
  console.log(
    `| without | ${med(off.map((r) => r.rps)).toFixed(0)} | ${med(off.map((r) => r.cpuUs)).toFixed(1)} | ${med(off.map((r) => (r.heapMb.at(-1) ?? 0) - (r.heapMb[1] ?? r.heapMb[0] ?? 0))).toFixed(1)} |`,
  );
  console.log(`| with (push every 1 s) | ${med(on.map((r) => r.rps)).toFixed(0)} | ${med(on.map((r) => r.cpuUs)).toFixed(1)} | ${heapGrowth.toFixed(1)} |`);
  // The sink's own encoding time per request against the generator's CPU per request: a direct
  // measure that a busy machine does not swamp the way it swamps whole-run differences.
  const ownPct = (med(on.map((r) => r.busyUs)) / med(off.map((r) => r.cpuUs))) * 100;
  console.log(
    `\nremote write cost: throughput ${rpsCost.toFixed(1)}%, CPU per request ${cpuCost >= 0 ? "+" : ""}${cpuCost.toFixed(1)}% (whole runs, noisy on a busy machine);`,
  );
  console.log(
    `  the sink's own encoding: ${med(on.map((r) => r.busyUs)).toFixed(2)} µs/req = ${ownPct.toFixed(1)}% of the generator's CPU per request (goal ≤ 5%); samples not sent: ${on.reduce((t, r) => t + r.notSent, 0)}`,
  );
}

/** The real Prometheus (remote-write receiver on) or, without it, a receiver that answers 204. */
async function startReceiver(real: boolean): Promise<{ kind: string; writeUrl: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "bench-rw-"));
  if (real) {
    writeFileSync(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1h\n");
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(
      "/usr/bin/prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        "--web.enable-remote-write-receiver",
        "--enable-feature=native-histograms",
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: "ignore" },
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 150; i++) {
      if (
        await fetch(`${url}/-/ready`)
          .then((r) => r.ok)
          .catch(() => false)
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { kind: "Prometheus 2.42 (Debian)", writeUrl: `${url}/api/v1/write`, stop: async () => void child.kill("SIGTERM") };
  }
  const child = spawn(
    process.execPath,
    [
      "-e",
      `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { s.writeHead(204); s.end(); }); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<string>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
  return { kind: "stand-in receiver (no /usr/bin/prometheus)", writeUrl: `http://127.0.0.1:${port}/api/v1/write`, stop: async () => void child.kill() };
}
