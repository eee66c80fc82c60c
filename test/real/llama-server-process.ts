import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../src/targets/process.js";

export interface RunningLlamaServer {
  url: string;
  /** The server's output so far (its last 20,000 characters), for failure messages. */
  log: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `llama-server --reranking` on a loopback port with the GGUF and waits until /health
 * answers 200. The child's output is kept (not printed) for failure messages.
 */
export async function startLlamaServer(binary: string, gguf: string, extra: string[] = [], startupMs = 120_000): Promise<RunningLlamaServer> {
  const port = await freePort();
  const args = ["-m", gguf, "--reranking", "--host", "127.0.0.1", "--port", String(port), "--threads", "2", ...extra];
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c) => (output = (output + c).slice(-20_000)));
  child.stderr!.on("data", (c) => (output = (output + c).slice(-20_000)));
  const exited = new Promise<number | null>((r) => child.once("exit", r));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startupMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode} before it was healthy:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`llama-server was not healthy within ${startupMs} ms:\n${output}`);
    }
    const ok = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}
