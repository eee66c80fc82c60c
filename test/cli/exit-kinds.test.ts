import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { action, BUG_REPORT_HINT } from "../../src/cli/errors.js";
import { RankError } from "../../src/quality/evaluate.js";
import { WorkerFailedError } from "../../src/load/shards.js";
import { ModelRequiredError } from "../../src/targets/start.js";
import { PreflightError } from "../../src/targets/preflight.js";
import { UsageError } from "../../src/util/errors.js";
import { getDialect } from "../../src/contract/registry.js";
import { fixedDelay, startTestServer, type TestServer } from "../load/servers.js";
import { closedPortUrl } from "../servers/hostile.js";
import { runCli } from "./run-cli.js";

// One test per error kind: the exit code comes from the kind (util/errors.ts EXIT_CODE_FOR_KIND),
// through the CLI, and a hint is printed as `next:`.

const dir = mkdtempSync(join(tmpdir(), "rh-exit-kinds-"));
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(fixedDelay(5));
});
afterAll(() => server?.close());

describe("exit codes by kind, through the CLI", () => {
  it("usage: an SLO file that cannot be read is exit 2 with one error line, before any target starts", async () => {
    const run = await runCli(["load", "--target", "http://127.0.0.1:9", "--slo", join(dir, "missing.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --slo .*missing\.json: cannot read it: no such file\n$/);
  });

  it("startup: a target that refuses connections is exit 2 (preflight), not 70", async () => {
    const run = await runCli(["check", "--target", await closedPortUrl(), "--timeout", "2s"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: preflight failed \(ERR_CONNECTION_REFUSED\)/m);
    expect(run.stderr).not.toContain("internal error");
  });

  it("failed: a load run that misses its SLO is exit 1", async () => {
    const slo = join(dir, "strict.json");
    writeFileSync(slo, JSON.stringify({ source: "test", scenarios: [{ docs: 10, rps: 10, p95_ms: 0.001 }] }));
    const run = await runCli(["load", "--target", server.url, "--slo", slo, "--duration", "1s", "--warmup", "0s", "--no-progress"], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/docs_10: p95 [\d.]+ ms > target 0\.001 ms/);
  }, 70_000);
});

describe("action(): a thrown error's kind picks the exit code", () => {
  let stderr = "";
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    stderr = "";
  });
  const run = async (err: unknown): Promise<number | string | undefined> => {
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    });
    await action(async () => {
      throw err;
    })();
    return process.exitCode;
  };

  it("usage → 2, with the hint as next:", async () => {
    expect(await run(new ModelRequiredError(getDialect("cohere-v2"), "http://x"))).toBe(2);
    expect(stderr).toMatch(
      /^error: http:\/\/x: the Cohere .* dialect needs a model name in every request \(.+\)\nnext: pass --model NAME or the target setting #model=NAME\n$/,
    );
    stderr = "";
    expect(await run(new UsageError("--rate: not a number"))).toBe(2);
    expect(stderr).toBe("error: --rate: not a number\n");
  });

  it("startup → 2", async () => {
    expect(await run(new PreflightError("ERR_PREFLIGHT_NOT_JSON", "answered 200 (text/html), not JSON"))).toBe(2);
    expect(stderr).toBe("error: preflight failed (ERR_PREFLIGHT_NOT_JSON): answered 200 (text/html), not JSON\n");
  });

  it("failed → 1", async () => {
    expect(await run(new RankError("q1: HTTP 500"))).toBe(1);
    expect(stderr).toBe("error: q1: HTTP 500\n");
  });

  it("internal → 70 with the bug-report request, also for a HarnessError of kind internal", async () => {
    expect(await run(new WorkerFailedError("worker 0 exited (code 1) before it finished"))).toBe(70);
    expect(stderr).toBe(`internal error: worker 0 exited (code 1) before it finished\n${BUG_REPORT_HINT}\n`);
  });
});
