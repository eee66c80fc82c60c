import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { callRerank } from "../../src/client/rerank-call.js";
import { expandHarness, findServerUrl } from "../../src/targets/process.js";
import { parseTargetSpec } from "../../src/targets/spec.js";
import { startTarget } from "../../src/targets/start.js";
import { OutputLog } from "../../src/targets/output-log.js";
import { TargetStartError, type StartedTarget, type TargetContext } from "../../src/targets/target.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const HARNESS = `"${process.execPath}" --import tsx "${CLI}"`;
const lines: string[] = [];
const ctx: TargetContext = { reference: "bm25", apiKeyEnv: "RERANK_API_KEY", timeoutMs: 10_000, log: (l) => lines.push(l), startupTimeoutMs: 60_000 };
const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
});

/** Processes whose command line contains `marker` (ps, so grandchildren count too). */
function processesWith(marker: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid,pgid,args"], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes(marker) && !l.includes("ps -eo"));
}

describe("{harness} in a process command", () => {
  it("becomes the running CLI: Node, its flags and the script, shell-quoted", () => {
    const argv = ["/usr/bin/node", "--import", "tsx", "/home/a b/it's/cli.ts"];
    expect(expandHarness("{harness} serve --port {port}", argv)).toBe(`/usr/bin/node --import tsx '/home/a b/it'\\''s/cli.ts' serve --port {port}`);
    expect(expandHarness("vllm serve x", argv)).toBe("vllm serve x");
    expect(expandHarness("{harness} serve")).toContain(process.execPath);
  });
});

describe("findServerUrl", () => {
  it("takes the first URL with an explicit port, as an origin, loopback for 0.0.0.0", () => {
    expect(findServerUrl("rerank-harness serving tiny-bert at http://127.0.0.1:43567")).toBe("http://127.0.0.1:43567");
    expect(findServerUrl("INFO: Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)")).toBe("http://127.0.0.1:8000");
    expect(findServerUrl("downloading https://huggingface.co/BAAI/x/resolve/main/model.onnx")).toBeUndefined();
    expect(findServerUrl("listening on http://[::1]:9000/v1")).toBe("http://[::1]:9000");
  });
});

describe("process:<command>", () => {
  it("spawns `rerank-harness serve`, finds its printed URL, serves reranks, and stops the whole tree", async () => {
    const marker = `proc-${randomUUID().slice(0, 8)}`;
    const spec = parseTargetSpec(`process:${HARNESS} serve --model tiny-bert --port 0 --served-model-name ${marker}`);
    const target = await startTarget(spec, ctx);
    started.push(target);
    expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(processesWith(marker).length).toBeGreaterThan(0);

    const client = new HttpClient({ baseUrl: target.baseUrl, timeoutMs: 10_000 });
    const call = await callRerank(client, target.dialect, { query: "capital of France", documents: ["Paris is in France", "Cows eat grass"], model: marker });
    await client.close();
    expect(call.exchange.status).toBe(200);
    expect(call.output!.results).toHaveLength(2);

    await target.stop();
    started.length = 0;
    expect(processesWith(marker)).toEqual([]);
    expect(readFileSync(target.logFile!, "utf8")).toContain(target.baseUrl);
  });

  it("replaces {port} with a free port and honours #health", async () => {
    const script = `require("http").createServer((q,s)=>{s.statusCode=q.url==="/ready"?200:404;s.end("ok")}).listen(Number(process.argv[1]),"127.0.0.1")`;
    const spec = parseTargetSpec(`process:"${process.execPath}" -e '${script}' {port}#health=/ready&name=tiny-http`);
    const target = await startTarget(spec, ctx);
    started.push(target);
    expect(target.label).toBe("tiny-http");
    expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("a process that exits before it is healthy fails with its exit code and output tail", async () => {
    const spec = parseTargetSpec(`process:echo starting up; echo "fatal: no model here" >&2; exit 3`);
    const err = await startTarget(spec, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetStartError);
    expect((err as TargetStartError).message).toMatch(/exit code 3/);
    expect((err as TargetStartError).outputTail).toContain("fatal: no model here");
  });

  it.skipIf(process.platform !== "linux")("a log file that cannot be written is reported as such, not as 'full output: FILE'", async () => {
    // /proc exists but takes no new files: the log's open fails (ENOENT) while the target starts.
    const spec = parseTargetSpec(`process:echo "fatal: no model here" >&2; exit 3`);
    const err = await startTarget(spec, { ...ctx, logDir: "/proc" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetStartError);
    expect((err as Error).message).toMatch(/full output: not written \(\/proc\/rerank-harness-process-.*\.log: ENOENT/);
    expect((err as TargetStartError).outputTail).toContain("fatal: no model here");
  });

  it("OutputLog keeps the first write error and still keeps the tail", async () => {
    const broken = new OutputLog("x", "/proc");
    broken.write("line one\nline two");
    await broken.close();
    expect(broken.writeError?.message).toMatch(/ENOENT/);
    expect(broken.where()).toBe(`not written (${broken.file}: ${broken.writeError!.message})`);
    expect(broken.tail()).toBe("line one\nline two");
    const fine = new OutputLog("y");
    fine.write("ok\n");
    await fine.close();
    expect(fine.writeError).toBeUndefined();
    expect(fine.where()).toBe(fine.file);
    expect(readFileSync(fine.file, "utf8")).toBe("ok\n");
  });

  it("a process that never gets healthy times out, and its tree (even one ignoring SIGTERM) is killed", async () => {
    // Unique sleep lengths mark the tree's processes in `ps`.
    const marker = `4${Math.floor(Math.random() * 1e6)}`;
    const spec = parseTargetSpec(`process:trap "" TERM; sleep ${marker}.1 & echo waiting on http://127.0.0.1:9; sleep ${marker}.2; wait`);
    const t0 = Date.now();
    const err = await startTarget(spec, { ...ctx, startupTimeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetStartError);
    expect((err as Error).message).toMatch(/not healthy within 2 s \(GET http:\/\/127\.0\.0\.1:9\/health/);
    expect((err as TargetStartError).outputTail).toContain("waiting on");
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(processesWith(marker)).toEqual([]);
  }, 20_000);
});
