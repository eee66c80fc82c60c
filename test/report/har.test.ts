import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Har } from "har-format";
import { runCli } from "../cli/run-cli.js";
import { startRewritingProxy } from "../servers/rewriting-proxy.js";
import { SERVED_MODEL, startVllmLikeServer } from "../servers/vllm-like.js";
import { renderHar } from "../../src/report/har.js";
import { RECORDED_BODY_CAP_CHARS, parseExchangeLog, recordExchanges, tagExchanges, type ExchangeRecord } from "../../src/client/exchange-recording.js";
import { HttpClient } from "../../src/client/http-client.js";
import { registerSecret } from "../../src/client/secrets.js";

// har-validator (JSON Schema of HAR 1.2 from har-schema, checked with ajv): an independent opinion of the file.
const harValidator = createRequire(import.meta.url)("har-validator") as { har(data: unknown): Promise<unknown> };

/** Compact JSON as JSON.stringify writes it; a body that is not JSON (malformed on purpose) as it is. */
function normalJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

async function validHar(har: unknown): Promise<void> {
  await harValidator.har(har).catch((err: { errors?: unknown }) => {
    throw new Error(`not valid HAR 1.2: ${JSON.stringify(err.errors ?? err, null, 1).slice(0, 2_000)}`);
  });
}

const dir = mkdtempSync(join(tmpdir(), "rh-har-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("check --har", () => {
  test("holds one entry per request the server saw, each tagged with its check, valid HAR 1.2, and no key", async () => {
    const key = "sk-har-secret-key-91735";
    const upstream = await startVllmLikeServer({ apiKey: key });
    // The proxy lists every request it received (the count the HAR must match).
    const proxy = await startRewritingProxy(upstream);
    try {
      const har = join(dir, "check.har");
      const run = await runCli(
        ["check", "--target", proxy.url, "--dialect", "vllm", "--model", SERVED_MODEL, "--fuzz", "3", "--api-key-env", "RH_HAR_KEY", "--har", har],
        { env: { RH_HAR_KEY: key }, timeoutMs: 120_000 },
      );
      expect(run.stderr).toContain(`wrote ${har}`);
      const requests = proxy.seen.length;
      const text = readFileSync(har, "utf8");
      expect(text).not.toContain(key);
      const parsed = JSON.parse(text) as Har;
      await validHar(parsed);
      const entries = parsed.log.entries as (Har["log"]["entries"][number] & { _checkId: string })[];
      expect(requests).toBeGreaterThan(20);
      expect(entries).toHaveLength(requests);
      expect(entries[0]!._checkId).toBe("preflight");
      const tags = new Set(entries.map((e) => e._checkId));
      for (const id of ["schema.response", "auth.required", "sort.descending", "errors.malformed_json"]) expect(tags).toContain(id);
      // The wrong-key request of auth.required is redacted too: no credential header value survives.
      const auth = entries.flatMap((e) => e.request.headers).filter((h) => h.name === "authorization");
      expect(auth.length).toBeGreaterThan(0);
      for (const h of auth) expect(h.value).toMatch(/^(Bearer )?\[REDACTED\]$/);
      // Bodies and statuses are the server's: each entry's request body is one the proxy received.
      // (The proxy keeps a body parsed when it is JSON, else its text: a JSON string body shows both ways.)
      const seenBodies = new Set(proxy.seen.flatMap((s) => (typeof s.body === "string" ? [s.body, JSON.stringify(s.body)] : [JSON.stringify(s.body)])));
      const posted = entries.filter((e) => e.request.postData?.text !== undefined && !e.request.postData.text.includes("[REDACTED]"));
      for (const e of posted) {
        const { text: t, _truncatedChars: cut } = e.request.postData as { text: string; _truncatedChars?: number };
        // A body past the cap is the start of one the server received.
        const received = cut ? [...seenBodies].some((b) => b.startsWith(t) && b.length === t.length + cut) : seenBodies.has(normalJson(t));
        expect(received, `a HAR body the server never received: ${t.slice(0, 80)}`).toBe(true);
      }
      expect(entries.map((e) => e.response.status).sort()).toEqual(proxy.seen.map((s) => s.status).sort());
    } finally {
      await proxy.close();
      await upstream.close();
    }
  }, 150_000);
});

describe("check --har when the preflight stops the run", () => {
  test("exit 2, and the HAR holds what the preflight sent: a refused connection as status 0 with _error", async () => {
    const har = join(dir, "refused.har");
    const run = await runCli(["check", "--target", "http://127.0.0.1:1", "--dialect", "vllm", "--har", har], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(2);
    const parsed = JSON.parse(readFileSync(har, "utf8")) as Har;
    await validHar(parsed);
    expect(parsed.log.entries.length).toBeGreaterThanOrEqual(1);
    expect(parsed.log.entries[0]).toMatchObject({ _checkId: "preflight", response: { status: 0 }, _error: expect.stringMatching(/ERR_CONNECTION_REFUSED/) });
  }, 90_000);
});

describe("compare --har", () => {
  test("tags each entry with its target and what sent it; one entry per request each server saw", async () => {
    const upstreams = [await startVllmLikeServer(), await startVllmLikeServer()];
    const a = await startRewritingProxy(upstreams[0]!);
    const b = await startRewritingProxy(upstreams[1]!);
    try {
      const har = join(dir, "compare.har");
      const targets = [`${a.url}#name=first&dialect=vllm&model=${SERVED_MODEL}`, `${b.url}#name=second&dialect=vllm&model=${SERVED_MODEL}`];
      const run = await runCli(["compare", ...targets.flatMap((t) => ["--target", t]), "--skip-load", "--only", "schema.,sort.", "--fuzz", "0", "--har", har], {
        timeoutMs: 120_000,
      });
      expect(run.stderr).toContain(`wrote ${har}`);
      const parsed = JSON.parse(readFileSync(har, "utf8")) as Har;
      await validHar(parsed);
      const entries = parsed.log.entries as unknown as { _target: string; _checkId: string; request: { url: string } }[];
      for (const [label, server] of [
        ["first", a],
        ["second", b],
      ] as const) {
        const mine = entries.filter((e) => e._target === label);
        expect(mine).toHaveLength(server.seen.length);
        expect(mine.every((e) => e.request.url.startsWith(server.url))).toBe(true);
        expect(new Set(mine.map((e) => e._checkId))).toEqual(
          new Set(["preflight", "agreement", ...mine.filter((e) => /^(schema|sort)\./.test(e._checkId)).map((e) => e._checkId)]),
        );
        expect(mine.some((e) => e._checkId === "sort.descending")).toBe(true);
      }
    } finally {
      for (const s of [a, b, ...upstreams]) await s.close();
    }
  }, 150_000);
});

describe("renderHar", () => {
  test("marks a body cut at the cap, a transport failure and the compare target, and validates", async () => {
    const secret = "sk-unit-har-secret-4242";
    registerSecret(secret);
    const long = `${"x".repeat(RECORDED_BODY_CAP_CHARS - 5)}${secret}tail`;
    const upstream = await startVllmLikeServer();
    const client = new HttpClient({ baseUrl: upstream.url, timeoutMs: 2_000 });
    const dead = new HttpClient({ baseUrl: "http://127.0.0.1:1", timeoutMs: 2_000 });
    const records: ExchangeRecord[] = [];
    try {
      await recordExchanges(
        (r) => records.push(r),
        "outer",
        async () => {
          await client.send({ path: "/rerank", rawBody: long });
          await tagExchanges("inner", () => dead.send({ path: "/rerank", json: { query: secret } }).catch(() => undefined));
        },
      );
      await client.send({ path: "/rerank", json: {} }); // outside any recording: not recorded
    } finally {
      await client.close();
      await dead.close();
      await upstream.close();
    }
    expect(records.map((r) => r.tag)).toEqual(["outer", "inner"]);
    // The key straddled the cap: redacted before the cut, so no half of it is left.
    expect(records[0]!.request.body!.truncatedChars).toBeGreaterThan(0);
    expect(JSON.stringify(records)).not.toContain(secret.slice(0, 8));
    expect(parseExchangeLog(records.map((r) => JSON.stringify(r)).join("\n") + "\n{torn")).toEqual(records);

    const har = renderHar([{ target: "a", records }], { name: "rerank-harness", version: "test" });
    await validHar(har);
    const [cut, failed] = har.log.entries as (Har["log"]["entries"][number] & Record<string, unknown>)[];
    expect(cut).toMatchObject({ _checkId: "outer", _target: "a", request: { bodySize: -1, postData: { _truncatedChars: expect.any(Number) } } });
    expect(cut!.response.status).toBe(400);
    expect(failed).toMatchObject({ _checkId: "inner", response: { status: 0 }, _error: expect.stringMatching(/ERR_CONNECTION_REFUSED/) });
  });
});
