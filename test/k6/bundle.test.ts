import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildBundles, fakeVllm, importsOf, loadInBareContext, loadWithStubs, type K6Stub, type StubHttpResponse } from "./helpers/bundle.js";
import { loadSummaryData } from "./helpers/summary-data.js";
import { findAll, parseXml } from "./helpers/xml.js";

// Builds dist/k6-style bundles with the real build script, then loads them in Node with stub
// k6 modules: the exports, the VU function and handleSummary run as they would in k6.

const SECRET = "sk-test-secret-key-123";
let dir: string;
let bundles: Awaited<ReturnType<typeof buildBundles>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "rerank-k6-"));
  bundles = await buildBundles(path.join(dir, "dist"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stub(env: Record<string, string>, server: K6Stub["server"] = (_u, b) => fakeVllm(b)): K6Stub {
  return { env, scenario: { name: "", iterationInTest: 0 }, posts: [], checks: [], server };
}

type Exports = { options: { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, string[]> }; default: () => void; handleSummary: (d: unknown) => Record<string, string> };

async function load(name: keyof typeof bundles, s: K6Stub): Promise<Exports> {
  return (await loadWithStubs(bundles[name], path.join(dir, "run"), s)) as unknown as Exports;
}

function iterate(mod: Exports, s: K6Stub, scenario: string, iteration: number) {
  s.scenario = { name: scenario, iterationInTest: iteration };
  s.checks.length = 0;
  mod.default();
  return Object.fromEntries(s.checks.map((c) => [c.name, c.ok]));
}

describe("k6 bundles", () => {
  it("import nothing but k6 modules", async () => {
    for (const bundle of Object.values(bundles)) {
      const imports = await importsOf(bundle);
      expect(imports.length).toBeGreaterThan(0);
      for (const imp of imports) expect(imp).toMatch(/^k6(\/[\w-]+)?$/);
      expect(imports).toContain("k6/http");
    }
  });

  it.each(["rerank-load", "rerank-smoke"] as const)("%s runs with ECMAScript built-ins only: no Node or web globals", async (name) => {
    const s = stub({ DOCS: "10", RATE: "2", DURATION: "2s", RERANK_API_KEY: SECRET });
    const mod = (await loadInBareContext(bundles[name], s)) as unknown as Exports;
    expect(Object.keys(mod.options.scenarios)).toHaveLength(1);
    for (let i = 0; i < 3; i++) iterate(mod, s, name === "rerank-load" ? "docs_10" : "smoke", i);
    expect(s.posts).toHaveLength(3);
    s.checks.length = 0;
    iterate(mod, s, name === "rerank-load" ? "docs_10" : "smoke", 0);
    expect(s.checks.length).toBeGreaterThanOrEqual(6);
    expect(s.checks.every((c) => c.ok)).toBe(true);
    const out = mod.handleSummary(loadSummaryData());
    expect(Object.keys(out)).toHaveLength(4);
    expect(() => JSON.parse(out[`./${name}-summary.json`]!)).not.toThrow();
  });

  describe("rerank-load", () => {
    it("exports one arrival-rate scenario per DOCS count, with thresholds from the targets file", async () => {
      const mod = await load("rerank-load", stub({ DOCS: "10,50", RATE: "4", DURATION: "3s" }));
      expect(typeof mod.default).toBe("function");
      expect(typeof mod.handleSummary).toBe("function");
      expect(Object.keys(mod.options.scenarios)).toEqual(["docs_10", "docs_50"]);
      expect(mod.options.scenarios.docs_10).toMatchObject({ executor: "constant-arrival-rate", rate: 4, timeUnit: "1s", duration: "3s", startTime: "0s" });
      expect(mod.options.scenarios.docs_50).toMatchObject({ executor: "constant-arrival-rate", startTime: "8s" });
      expect(mod.options.thresholds).toMatchObject({
        "http_req_duration{scenario:docs_10}": ["p(95)<=50"],
        "http_req_duration{scenario:docs_50}": ["p(95)<=150"],
        "http_req_failed{scenario:docs_50}": ["rate<0.01"],
        "checks{scenario:docs_10}": ["rate>=0.99"],
        "dropped_iterations{scenario:docs_10}": ["count<=0"],
      });
    });

    it("sends the dialect's request with the key only in the Authorization header, and checks the answer", async () => {
      const s = stub({ RERANK_URL: "http://rerank.test:9000/", DOCS: "10,50", RATE: "4", RERANK_API_KEY: SECRET, RERANK_MODEL: "bm25" });
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      try {
        const mod = await load("rerank-load", s);
        const checks = iterate(mod, s, "docs_10", 0);
        expect(checks).toEqual({
          "status is 200": true,
          "body matches the dialect's contract": true,
          "result count": true,
          "sorted by score": true,
          "indices unique and in range": true,
          "scores in range": true,
        });
        iterate(mod, s, "docs_50", 1);
        iterate(mod, s, "docs_10", 0);
        const [first, second, again] = s.posts;
        expect(first!.url).toBe("http://rerank.test:9000/rerank");
        expect(first!.params.headers).toMatchObject({ Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" });
        expect(first!.params.tags).toEqual({ name: "/rerank" });
        const body = JSON.parse(first!.body);
        expect(body).toMatchObject({ model: "bm25" });
        expect(body.documents).toHaveLength(10);
        expect(body.top_n).toBeUndefined();
        expect(JSON.parse(second!.body).documents).toHaveLength(50);
        // the same iteration sends the same request; the key is in no body
        expect(again!.body).toBe(first!.body);
        for (const p of s.posts) expect(p.body).not.toContain(SECRET);

        s.server = (_u, b) => {
          const ok = JSON.parse(fakeVllm(b).body!);
          ok.results.reverse();
          return { status: 200, body: JSON.stringify(ok) };
        };
        expect(iterate(mod, s, "docs_10", 3)["sorted by score"]).toBe(false);
        s.server = () => ({ status: 503, body: '{"error":{"message":"busy","type":"x","code":503}}' });
        expect(iterate(mod, s, "docs_10", 4)).toEqual({ "status is 200": false });
        s.server = () => ({ status: 200, body: '{"results": "nope"}' });
        expect(iterate(mod, s, "docs_10", 5)).toEqual({ "status is 200": true, "body matches the dialect's contract": false });
        // failures are logged (at most three per VU), never with the key
        expect(warn).toHaveBeenCalledTimes(3);
        for (const call of warn.mock.calls) expect(String(call[0])).not.toContain(SECRET);
      } finally {
        warn.mockRestore();
      }
    });

    it("reads TARGETS with open() and refuses a bad environment at init", async () => {
      const file = path.join(dir, "targets.json");
      const { writeFileSync } = await import("node:fs");
      writeFileSync(file, JSON.stringify({ source: "test", achieved_rate_tolerance: 0.5, scenarios: [{ docs: 7, rps: 10, p95_ms: 900 }] }));
      const mod = await load("rerank-load", stub({ TARGETS: file, DURATION: "2s" }));
      expect(Object.keys(mod.options.scenarios)).toEqual(["docs_7"]);
      expect(mod.options.thresholds).toMatchObject({ "http_req_duration{scenario:docs_7}": ["p(95)<=900"], "dropped_iterations{scenario:docs_7}": ["count<=10"] });
      await expect(load("rerank-load", stub({ RERANK_DIALECT: "nope" }))).rejects.toThrow("RERANK_DIALECT");
    });

    it("handleSummary writes text, JSON and JUnit with one testcase per threshold, without the key", async () => {
      const mod = await load("rerank-load", stub({ DOCS: "10,50", RATE: "1", DURATION: "4s", RERANK_API_KEY: SECRET, SUMMARY_DIR: "out" }));
      const data = loadSummaryData();
      const out = mod.handleSummary(data);
      expect(Object.keys(out).sort()).toEqual(["out/rerank-load-junit.xml", "out/rerank-load-summary.json", "out/rerank-load-summary.txt", "stdout"]);
      for (const text of Object.values(out)) expect(text).not.toContain(SECRET);

      const text = out.stdout!;
      expect(out["out/rerank-load-summary.txt"]).toBe(text);
      expect(text).toContain("rerank-load · vllm · http://127.0.0.1:8000");
      expect(text).toMatch(/✓ http_req_duration\{scenario:docs_10\}\s+p\(95\)<=50\s+p\(95\)=31\.2ms/);
      expect(text).toMatch(/✗ http_req_duration\{scenario:docs_50\}\s+p\(95\)<=150\s+p\(95\)=180\.4ms/);
      expect(text).toMatch(/✗ sorted by score\s+22 passed, 1 failed/);
      expect(text).toContain("FAILED: 3 of 8 thresholds not met (k6 exits with code 99)");

      const json = JSON.parse(out["out/rerank-load-summary.json"]!);
      expect(json).toMatchObject({ schema_version: 2, tool: "rerank-harness k6", script: "rerank-load", passed: false, target: { dialect: "vllm" }, targets: { from: "default", tolerance: 0.05 } });
      expect(json.options).toBeUndefined();
      expect(json.scenarios).toMatchObject([
        { name: "docs_10", docs: 10, rps: 1, requests: 12, achieved_rps: 3, p95_ms: 31.2, p95_target_ms: 50, dropped: 0, passed: true },
        { name: "docs_50", docs: 50, p95_ms: 180.4, p95_target_ms: 150, dropped: 1, passed: false },
      ]);
      expect(json.thresholds).toHaveLength(8);
      expect(json.checks).toContainEqual({ name: "sorted by score", passes: 22, fails: 1 });

      const xml = parseXml(out["out/rerank-load-junit.xml"]!);
      expect(xml.name).toBe("testsuites");
      expect(xml.attrs).toMatchObject({ tests: "8", failures: "3" });
      expect(findAll(xml, "testsuite").map((s) => s.attrs.name)).toEqual(["rerank-load.docs_10", "rerank-load.docs_50"]);
      const cases = findAll(xml, "testcase");
      const declared = Object.values(data.metrics).reduce((n, m) => n + Object.keys(m.thresholds ?? {}).length, 0);
      expect(cases).toHaveLength(declared);
      const failed = cases.filter((c) => findAll(c, "failure").length > 0);
      expect(failed.map((c) => c.attrs.name)).toEqual([
        "checks{scenario:docs_50} rate>=0.99",
        "dropped_iterations{scenario:docs_50} count<=0",
        "http_req_duration{scenario:docs_50} p(95)<=150",
      ]);
      expect(findAll(failed[2]!, "failure")[0]!.attrs.message).toBe("p(95)=180.4ms does not satisfy p(95)<=150");
      expect(findAll(xml, "property").map((p) => p.attrs.name)).toContain("check: sorted by score");
    });
  });

  describe("rerank-smoke", () => {
    it("exports a short arrival-rate scenario whose thresholds allow no failure", async () => {
      const mod = await load("rerank-smoke", stub({}));
      expect(mod.options.scenarios).toEqual({ smoke: expect.objectContaining({ executor: "constant-arrival-rate", rate: 1, timeUnit: "1s", duration: "5s" }) });
      expect(mod.options.thresholds).toEqual({
        "checks{scenario:smoke}": ["rate==1"],
        "http_req_failed{scenario:smoke}": ["rate==0"],
        "dropped_iterations{scenario:smoke}": ["count==0"],
        "http_reqs{scenario:smoke}": ["count>0"],
      });
      expect(typeof mod.handleSummary).toBe("function");
    });

    it("cycles plain ranking, top_n and document echo, all passing against a conforming server", async () => {
      const s = stub({ RATE: "5", DURATION: "2s" });
      const mod = await load("rerank-smoke", s);
      const plain = iterate(mod, s, "smoke", 0);
      expect(Object.values(plain).every(Boolean)).toBe(true);
      expect(iterate(mod, s, "smoke", 1)["result count"]).toBe(true);
      const echo = iterate(mod, s, "smoke", 2);
      expect(echo["documents echoed"]).toBe(true);
      expect(Object.values(echo).every(Boolean)).toBe(true);
      const bodies = s.posts.map((p) => JSON.parse(p.body));
      expect(bodies.map((b) => b.documents.length)).toEqual([3, 10, 3]);
      expect(bodies[1].top_n).toBe(5);
      expect(bodies[0].top_n).toBeUndefined();

      // a server that ignores top_n fails the count check (and says so on the console)
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      s.server = (_u, b) => fakeVllm({ ...b, top_n: undefined });
      expect(iterate(mod, s, "smoke", 4)["result count"]).toBe(false);
      expect(warn.mock.calls[0]?.[0]).toContain("result count");
      warn.mockRestore();
    });

    it("speaks the chosen dialect: TEI gets texts and return_text, and no top_n", async () => {
      const tei = (_u: string, b: Record<string, unknown>): StubHttpResponse => {
        const texts = b.texts as string[];
        const results = texts.map((t, index) => ({ index, score: 1 / (index + 2), ...(b.return_text ? { text: t } : {}) }));
        return { status: 200, body: JSON.stringify(results) };
      };
      const s = stub({ RERANK_DIALECT: "tei", RERANK_URL: "http://tei:8080" }, tei);
      const mod = await load("rerank-smoke", s);
      for (let i = 0; i < 3; i++) expect(Object.values(iterate(mod, s, "smoke", i)).every(Boolean)).toBe(true);
      const bodies = s.posts.map((p) => JSON.parse(p.body));
      expect(s.posts[0]!.url).toBe("http://tei:8080/rerank");
      expect(bodies[0].texts).toHaveLength(3);
      expect(bodies[1].top_n).toBeUndefined();
      expect(bodies[2].return_text).toBe(true);
    });
  });
});
