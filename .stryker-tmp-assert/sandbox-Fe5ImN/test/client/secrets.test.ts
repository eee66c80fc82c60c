// @ts-nocheck
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HttpClient, TransportError, readApiKey, redact, redactDeep, redactHeaders } from "../../src/client/index.js";
import { startServer } from "./hostile-server.js";

const KEY = "sk-live-0123456789abcdef";

describe("API key redaction", () => {
  it("reads the key from the named variable and scrubs it from text and nested values", () => {
    process.env["TEST_RERANK_KEY"] = KEY;
    expect(readApiKey("TEST_RERANK_KEY")).toBe(KEY);
    expect(readApiKey("NO_SUCH_VARIABLE_SET")).toBeUndefined();
    expect(redact(`Bearer ${KEY} in a message`)).toBe("Bearer [REDACTED] in a message");
    expect(redactDeep({ a: [KEY, { b: `x${KEY}y` }], n: 1 })).toEqual({ a: ["[REDACTED]", { b: "x[REDACTED]y" }], n: 1 });
    expect(redactHeaders({ Authorization: "Bearer whatever", "x-other": KEY })).toEqual({
      Authorization: "Bearer [REDACTED]",
      "x-other": "[REDACTED]",
    });
  });

  it("never shows the key in a request's evidence, even when the server echoes it", async () => {
    const server = await startServer((req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `bad key ${req.headers.authorization}` }));
    });
    const client = new HttpClient({ baseUrl: server.url, apiKey: KEY, timeoutMs: 1_000 });
    try {
      const ex = await client.send({ path: "/v1/rerank", json: { query: KEY } });
      expect(ex.status).toBe(401);
      expect(JSON.stringify(ex.request)).not.toContain(KEY);
      expect(ex.request.headers["authorization"]).toBe("Bearer [REDACTED]");
      // The raw body is kept for checks, but anything printed goes through redact().
      expect(redact(ex.text)).not.toContain(KEY);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("keeps the key out of transport error messages", async () => {
    const client = new HttpClient({ baseUrl: `http://127.0.0.1:1/${KEY}`, apiKey: KEY, timeoutMs: 500 });
    const err = await client.send({ path: "/rerank" }).catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(TransportError);
    expect(String((err as Error).message)).not.toContain(KEY);
  });

  it("scrubs stdout and stderr of a process that prints the key", () => {
    const script = `
      const { readApiKey, installOutputRedaction } = await import(${JSON.stringify(new URL("../../src/client/secrets.ts", import.meta.url).href)});
      installOutputRedaction();
      const key = readApiKey("RERANK_API_KEY");
      console.log("key is", key);
      console.error(new Error("request failed with " + key).message);
      process.stdout.write(Buffer.from("bytes " + key + "\\n"));
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, RERANK_API_KEY: KEY },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const all = run.stdout + run.stderr;
    expect(all).toContain("key is [REDACTED]");
    expect(all).toContain("bytes [REDACTED]");
    expect(all).not.toContain(KEY);
  });
});
