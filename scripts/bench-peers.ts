/**
 * `npm run bench:peers`: the reference server against a real llama.cpp `llama-server` on the same
 * weights (tiny-bert, and its GGUF), the same machine and the same load generator. For each:
 * `load --find-max` capacity at 10 and 50 documents per request (p95 ≤ 100 ms and ≤ 400 ms), then
 * 10-document requests at twice the found capacity (what overload does to each). Prints a
 * Markdown table and the machine's size; a measurement to read, not a test.
 *
 * Env: BENCH_BUDGET (find-max budget per server, default 4m), BENCH_DURATION (per step, default 5s),
 * LLAMA_PARALLEL (llama-server --parallel, default its own).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tinyBertGgufPath } from "../src/reference/fixtures.js";
import { startLlamaServer } from "../test/real/llama-server-process.js";
import { ensureLlamaServer } from "./llama-server.js";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const BUDGET = process.env.BENCH_BUDGET ?? "4m";
const DURATION = process.env.BENCH_DURATION ?? "5s";
const dir = mkdtempSync(join(tmpdir(), "rh-bench-peers-"));
const targets = join(dir, "targets.json");
writeFileSync(
  targets,
  JSON.stringify({
    source: "bench:peers: p95 bounds for a CPU-served tiny-bert (issue 27)",
    achieved_rate_tolerance: 0.05,
    scenarios: [
      { docs: 10, rps: 10, p95_ms: 100 },
      { docs: 50, rps: 2, p95_ms: 400 },
    ],
  }),
);

function cli(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", resolve);
  });
}

async function startReference(): Promise<{ url: string; child: ChildProcess }> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "serve", "--model", "tiny-bert", "--port", String(port)], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error("the reference server did not start within 120 s");
}

interface Scenario {
  docs: number;
  achieved_rps: number;
  latency_ms: { p95: number };
  status_counts: Record<string, number>;
  errors: number;
  dropped: number;
}

async function measure(name: string, url: string, dialect: string) {
  const found = join(dir, `${name}-find-max.json`);
  // Both runs: this target, its dialect, the SLO file; a second of warm-up, JSON out.
  const run = (file: string, ...args: string[]) =>
    cli(["load", "--target", url, "--dialect", dialect, "--slo", targets, ...args, "--warmup", "1s", "--no-progress", "--json", file]);
  await run(found, "--find-max", "--find-max-budget", BUDGET, "--duration", DURATION);
  const report = JSON.parse(readFileSync(found, "utf8")) as { capacity?: Array<{ docs: number; max_rps: number | null }> };
  const capacity = Object.fromEntries((report.capacity ?? []).map((c) => [c.docs, c.max_rps]));
  // Twice the capacity found at 10 documents, when one was found.
  const offered = capacity[10] ? Math.round(2 * capacity[10]) : undefined;
  let overload: Scenario | undefined;
  if (offered) {
    const over = join(dir, `${name}-overload.json`);
    await run(over, "--docs", "10", "--rate", String(offered), "--duration", "10s");
    overload = (JSON.parse(readFileSync(over, "utf8")) as { scenarios: Scenario[] }).scenarios[0];
  }
  return { name, capacity, overload, offered };
}

const build = await ensureLlamaServer((line) => process.stderr.write(`${line}\n`));
const rows = [];
const reference = await startReference();
try {
  rows.push(await measure("reference (serve --model tiny-bert)", reference.url, "vllm"));
} finally {
  reference.child.kill("SIGTERM");
}
const extra = process.env.LLAMA_PARALLEL ? ["--parallel", process.env.LLAMA_PARALLEL] : [];
const llama = await startLlamaServer(build.binary, await tinyBertGgufPath(), ["--threads", String(availableParallelism()), ...extra]);
try {
  rows.push(await measure(`llama.cpp ${build.tag} (${build.commit})${extra.length ? ` --parallel ${extra[1]}` : ""}`, llama.url, "llamacpp"));
} finally {
  await llama.stop();
}

const f = (x: number | null | undefined, d = 0) => (x === null || x === undefined ? "–" : x.toFixed(d));
console.log(
  `\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} at the end\n`,
);
console.log(
  "| server | max req/s, 10 docs (p95 ≤ 100 ms) | max req/s, 50 docs (p95 ≤ 400 ms) | at 2× the 10-doc capacity: offered → achieved req/s | p95 | non-200 |",
);
console.log("|---|---|---|---|---|---|");
for (const r of rows) {
  const o = r.overload;
  const non200 = o
    ? Object.entries(o.status_counts)
        .filter(([s]) => s !== "200")
        .map(([s, n]) => `${n}× ${s}`)
        .join(", ") || "none"
    : "–";
  console.log(
    `| ${r.name} | ${f(r.capacity[10])} | ${f(r.capacity[50])} | ${o ? `${r.offered} → ${f(o.achieved_rps)}` : "–"} | ${o ? `${f(o.latency_ms.p95)} ms` : "–"} | ${non200}${o && o.dropped ? `, ${o.dropped} dropped` : ""} |`,
  );
}
