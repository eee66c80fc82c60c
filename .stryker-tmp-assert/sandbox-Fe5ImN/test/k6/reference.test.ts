// @ts-nocheck
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { buildBundles, curlPost, loadWithStubs, type K6Stub } from "./helpers/bundle.js";

// Without k6 on this machine, the nearest thing: the bundles' VU code in Node, sending its
// requests over real HTTP (curl, synchronous like k6's http.post) to the embedded reference.

const KEY = "reference-test-key-42";
let dir: string;
let bundles: Awaited<ReturnType<typeof buildBundles>>;
let server: { url: string; modelName: string };
let child: ChildProcess | undefined;

/** The reference in a child process: curl blocks this one's event loop, as k6's VUs would. */
async function startChildReference(): Promise<typeof server> {
  const script = fileURLToPath(new URL("./helpers/serve-reference.ts", import.meta.url));
  child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, REFERENCE_API_KEY: KEY }, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.setEncoding("utf8");
  for await (const chunk of child.stdout!) {
    out += chunk;
    if (out.includes("\n")) return JSON.parse(out.slice(0, out.indexOf("\n")));
  }
  throw new Error("the reference server exited before listening");
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "rerank-k6-ref-"));
  [bundles, server] = await Promise.all([buildBundles(path.join(dir, "dist")), startChildReference()]);
}, 120_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("bundled VU code against the embedded reference", () => {
  it.each(["rerank-smoke", "rerank-load"] as const)("%s: every check passes", async (name) => {
    const env = { RERANK_URL: server.url, RERANK_API_KEY: KEY, RERANK_MODEL: server.modelName, DOCS: "10" };
    const stub: K6Stub = { env, scenario: { name: "", iterationInTest: 0 }, posts: [], checks: [], server: curlPost };
    const mod = (await loadWithStubs(bundles[name], path.join(dir, "run"), stub)) as { default: () => void };
    for (let i = 0; i < 3; i++) {
      stub.scenario = { name: name === "rerank-smoke" ? "smoke" : "docs_10", iterationInTest: i };
      mod.default();
    }
    const failed = stub.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual([]);
    expect(stub.checks.filter((c) => c.name === "status is 200")).toHaveLength(3);
    if (name === "rerank-smoke") expect(stub.checks.map((c) => c.name)).toContain("documents echoed");
  });

  it("a wrong key fails the status check", async () => {
    const env = { RERANK_URL: server.url, RERANK_API_KEY: "wrong-key-xyz", DOCS: "3" };
    const stub: K6Stub = { env, scenario: { name: "smoke", iterationInTest: 0 }, posts: [], checks: [], server: curlPost };
    const mod = (await loadWithStubs(bundles["rerank-smoke"], path.join(dir, "run"), stub)) as { default: () => void };
    const warn = console.warn;
    console.warn = () => {};
    try {
      mod.default();
    } finally {
      console.warn = warn;
    }
    expect(stub.checks).toEqual([{ name: "status is 200", ok: false }]);
  });
});
