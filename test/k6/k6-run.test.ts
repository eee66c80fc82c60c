import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceServer, type ReferenceServer } from "../../src/reference/server.js";
import { buildBundles } from "./helpers/bundle.js";
import { findAll, parseXml } from "./helpers/xml.js";

// Runs the bundles with a real k6 against the embedded reference, where k6 is installed.
// The build machines have no k6 binary, so there this file skips, and says so.

const hasK6 = spawnSync("k6", ["version"], { stdio: "ignore" }).status === 0;
if (!hasK6) console.warn("k6 not on PATH: skipping the k6 run tests (test/k6/k6-run.test.ts); install k6 to run the bundles against the reference");

const KEY = "k6-run-test-key-0123";
let dir: string;
let bundles: Awaited<ReturnType<typeof buildBundles>>;
let server: ReferenceServer | undefined;

beforeAll(async () => {
  if (!hasK6) return;
  dir = mkdtempSync(path.join(tmpdir(), "rerank-k6-run-"));
  bundles = await buildBundles(path.join(dir, "dist"));
  server = await startReferenceServer({ model: "bm25", port: 0, apiKey: KEY });
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** k6 does not create SUMMARY_DIR (the scripts refuse a missing one at init): make it first. */
function outDir(name: string): string {
  const out = path.join(dir, name);
  mkdirSync(out, { recursive: true });
  return out;
}

function k6Run(bundle: string, env: Record<string, string>) {
  const args = ["run", "--quiet", ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), bundle];
  const r = spawnSync("k6", args, { encoding: "utf8", timeout: 90_000, env: { ...process.env, K6_NO_USAGE_REPORT: "true" } });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

function targetsFile(name: string, p95: number): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ source: "k6-run test", achieved_rate_tolerance: 0.5, scenarios: [{ docs: 10, rps: 5, p95_ms: p95 }] }));
  return file;
}

describe("k6 run against the embedded reference", () => {
  it.skipIf(!hasK6)(
    "rerank-smoke passes, writing the summary files, without printing the key",
    () => {
      const out = outDir("smoke");
      const r = k6Run(bundles["rerank-smoke"], {
        RERANK_URL: server!.url,
        RERANK_API_KEY: KEY,
        RERANK_MODEL: server!.modelName,
        DURATION: "2s",
        RATE: "5",
        SUMMARY_DIR: out,
      });
      expect(r.status, r.output).toBe(0);
      expect(r.output).not.toContain(KEY);
      const json = JSON.parse(readFileSync(path.join(out, "rerank-smoke-summary.json"), "utf8"));
      expect(json.passed).toBe(true);
      expect(json.scenarios[0].requests).toBeGreaterThan(0);
      expect(findAll(parseXml(readFileSync(path.join(out, "rerank-smoke-junit.xml"), "utf8")), "testcase")).toHaveLength(4);
      expect(existsSync(path.join(out, "rerank-smoke-summary.txt"))).toBe(true);
    },
    120_000,
  );

  it.skipIf(!hasK6)(
    "rerank-load meets generous targets and exits 0",
    () => {
      const out = outDir("load-pass");
      const r = k6Run(bundles["rerank-load"], {
        RERANK_URL: server!.url,
        RERANK_API_KEY: KEY,
        TARGETS: targetsFile("pass.json", 5_000),
        DURATION: "2s",
        SUMMARY_DIR: out,
      });
      expect(r.status, r.output).toBe(0);
      const json = JSON.parse(readFileSync(path.join(out, "rerank-load-summary.json"), "utf8"));
      expect(json.scenarios[0]).toMatchObject({ name: "docs_10", passed: true });
    },
    120_000,
  );

  it.skipIf(!hasK6)(
    "rerank-load exits 99 when the p95 target is missed, and JUnit says which",
    () => {
      const out = outDir("load-fail");
      const r = k6Run(bundles["rerank-load"], {
        RERANK_URL: server!.url,
        RERANK_API_KEY: KEY,
        TARGETS: targetsFile("fail.json", 0.001),
        DURATION: "2s",
        SUMMARY_DIR: out,
      });
      expect(r.status, r.output).toBe(99);
      const junit = parseXml(readFileSync(path.join(out, "rerank-load-junit.xml"), "utf8"));
      const failed = findAll(junit, "testcase").filter((c) => findAll(c, "failure").length > 0);
      expect(failed.map((c) => c.attrs.name)).toEqual(["http_req_duration{scenario:docs_10} p(95)<=0.001"]);
    },
    120_000,
  );
});
