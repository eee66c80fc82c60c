import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/targets/process.js";

// The real Prometheus (Debian's, 2.42 here) on a loopback port, started and stopped by the test,
// with the remote-write receiver and native histograms on and a throw-away TSDB.

export const PROMETHEUS = "/usr/bin/prometheus";
export const HAS_PROMETHEUS = existsSync(PROMETHEUS);

export interface RunningPrometheus {
  url: string;
  writeUrl: string;
  process: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

export async function startPrometheus(): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "rh-prom-"));
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, "global:\n  scrape_interval: 1h\n");
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      "--web.enable-remote-write-receiver",
      "--enable-feature=native-histograms",
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus not ready within 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  return { url, writeUrl: `${url}/api/v1/write`, process: child, log: () => log, stop };
}

/** An instant PromQL query through the HTTP API (the result as Prometheus returns it). */
export async function promQuery(url: string, query: string): Promise<{ status: string; error?: string; data?: { resultType: string; result: unknown[] } }> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  return (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown[] } };
}
