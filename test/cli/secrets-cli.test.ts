import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../load/servers.js";
import { runCli } from "./run-cli.js";

// "Keys are never printed": a real CLI run with a key set, against a server that echoes the
// Authorization header into its error bodies (as some gateways do). The load report's console
// notes print sample error bodies as they came, so only the process-wide output redaction
// (installOutputRedaction) stands between the key and the terminal.

const KEY = "sk-test-5f2c8e1d9a7b4c3e";
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((req, res) => {
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: `upstream refused credentials ${req.headers.authorization}` }));
  });
});
afterAll(() => server?.close());

describe("API keys in CLI output", () => {
  it("a load run with a key set prints and writes [REDACTED] where the server echoed the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rh-secrets-"));
    const args = ["load", "--target", server.url, "--docs", "10", "--rate", "20", "--duration", "1s", "--warmup", "0s", "--no-progress"];
    const r = await runCli([...args, "--json", join(dir, "load.json"), "--html", join(dir, "load.html")], { env: { RERANK_API_KEY: KEY }, timeoutMs: 40_000 });
    expect(r.code, r.stderr).toBe(1);
    // The echo reached the output (so the test exercises the path)…
    expect(r.stdout).toContain("upstream refused credentials Bearer [REDACTED]");
    // …and the key did not, anywhere: stdout, stderr, report files.
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));
    expect(files).toHaveLength(2);
    for (const text of [r.stdout, r.stderr, ...files]) expect(text).not.toContain(KEY);
    expect(files.join("\n")).toContain("[REDACTED]");
  }, 45_000);
});
