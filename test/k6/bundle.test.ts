import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildBundles, fakeVllm, importsOf, k6Open, loadInBareContext, loadWithStubs, type K6Stub, type StubHttpResponse } from "./helpers/bundle.js";
import { loadSummaryData, machineReadableSummary } from "./helpers/summary-data.js";
import { findAll, parseXml } from "./helpers/xml.js";

// Builds dist/k6-style bundles with the real build script, then loads them in Node with stub
// k6 modules: the exports, the VU function and handleSummary run as they would in k6.

const SECRET = "sk-test-secret-key-123";
let dir: string;
let bundles: Awaited<ReturnType<typeof buildBundles>>;

/** A targets file with a target for 10 and 50 documents (the default file has no 3). */
function targetsFile(): string {
  const file = path.join(dir, "targets-10-50.json");
  writeFileSync(
    file,
    JSON.stringify({
      source: "bundle test",
      achieved_rate_tolerance: 0.1,
      scenarios: [
        { docs: 10, rps: 4, p95_ms: 500 },
        { docs: 50, rps: 2, p95_ms: 900 },
      ],
    }),
  );
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "rerank-k6-"));
  bundles = await buildBundles(path.join(dir, "dist"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stub(env: Record<string, string>, server: K6Stub["server"] = (_u, b) => fakeVllm(b)): K6Stub {
  return { env, scenario: { name: "", iterationInTest: 0 }, posts: [], checks: [], samples: [], server };
}

type Exports = {
  options: { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, string[]> };
  default: () => void;
  handleSummary: (d: unknown) => Record<string, string>;
};

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

  it("the bare context has no BigInt, so a bundle that evaluates one at load fails there", async () => {
    const file = path.join(dir, "uses-bigint.js");
    writeFileSync(file, "export const big = BigInt(1);\n");
    await expect(loadInBareContext(file, stub({}))).rejects.toThrow("BigInt is not defined");
    await expect(loadInBareContext(file, stub({}), { keepBigInt: true })).resolves.toHaveProperty("big");
  });

  // Every variable set, so each parser (URL, durations, lists, mix, flags) runs: a parser that
  // needs a Node or web global (z.url() needs URL) or BigInt (k6 < v0.54) fails here.
  const fullEnv = () => ({
    RERANK_URL: "http://rerank.test:9000/",
    RERANK_DIALECT: "vllm",
    RERANK_MODEL: "bm25",
    RERANK_API_KEY: SECRET,
    RERANK_PATH: "/v1/rerank",
    RATE: "2.5",
    DURATION: "2s",
    TIMEOUT: "1500ms",
    SEED: "7",
    MAX_VUS: "8",
    RUNNERS: "2",
    SUMMARY_DIR: dir,
    JUNIT_STDOUT: "true",
    TARGETS: targetsFile(),
  });
  const variants: [keyof typeof bundles, string, Record<string, string>][] = [
    ["rerank-load", "docs_10", { DOCS: "10", RAMP_UP: "1s" }],
    ["rerank-load", "mix_2_5rps", { MIX: "10:0.5,50:0.5", RAMP: "2.5,5", RATE: "" }],
    ["rerank-smoke", "smoke", { DOCS: "10,3" }],
  ];
  it.each(variants)("%s (%s) runs with ECMAScript built-ins only: no Node or web globals, no BigInt", async (name, scenario, extra) => {
    const s = stub({ ...fullEnv(), ...extra });
    const mod = (await loadInBareContext(bundles[name], s)) as unknown as Exports;
    expect(Object.keys(mod.options.scenarios)).toContain(scenario);
    for (let i = 0; i < 3; i++) iterate(mod, s, scenario, i);
    expect(s.posts).toHaveLength(3);
    expect(s.posts[0]!.url).toBe("http://rerank.test:9000/v1/rerank");
    expect(s.posts[0]!.params.timeout).toBe(1_500);
    s.checks.length = 0;
    iterate(mod, s, scenario, 0);
    expect(s.checks.length).toBeGreaterThanOrEqual(6);
    expect(s.checks.every((c) => c.ok)).toBe(true);
    expect(s.samples!.filter((x) => x.metric === "rerank_valid").map((x) => x.value)).toEqual([true, true, true, true]);
    const out = mod.handleSummary(loadSummaryData());
    expect(Object.keys(out)).toHaveLength(4);
    expect(() => JSON.parse(out[`${dir}/${name}-summary.json`]!)).not.toThrow();
    expect(out.stdout).toContain("BEGIN rerank-harness junit");
    expect(() => mod.handleSummary(machineReadableSummary())).not.toThrow();
  });

  describe("rerank-load", () => {
    it("exports one arrival-rate scenario per DOCS count, with thresholds from the targets file", async () => {
      const mod = await load("rerank-load", stub({ DOCS: "10,50", RATE: "4", DURATION: "3s" }));
      expect(typeof mod.default).toBe("function");
      expect(typeof mod.handleSummary).toBe("function");
      expect(Object.keys(mod.options.scenarios)).toEqual(["docs_10", "docs_50"]);
      expect(mod.options.scenarios.docs_10).toMatchObject({ executor: "constant-arrival-rate", rate: 4, timeUnit: "1s", duration: "3s", startTime: "0s" });
      // 3 s, then gracefulStop = TIMEOUT (10 s default) + 1 s
      expect(mod.options.scenarios.docs_50).toMatchObject({ executor: "constant-arrival-rate", startTime: "14s", gracefulStop: "11s" });
      expect(mod.options.thresholds).toMatchObject({
        "http_req_duration{scenario:docs_10}": ["p(95)<=50"],
        "http_req_duration{scenario:docs_50}": ["p(95)<=150"],
        "http_req_failed{scenario:docs_50}": ["rate<0.01"],
        "rerank_valid{scenario:docs_10}": ["rate>=0.99"],
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

    it("gates on one validity sample per response, not on k6's per-check rate", async () => {
      const s = stub({ DOCS: "10", RATE: "4" });
      const mod = await load("rerank-load", s);
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      try {
        iterate(mod, s, "docs_10", 0);
        s.server = (_u, b) => {
          const ok = JSON.parse(fakeVllm(b).body!);
          ok.results.reverse();
          return { status: 200, body: JSON.stringify(ok) };
        };
        const checks = iterate(mod, s, "docs_10", 1);
        // five of six checks hold: 83% of k6's checks rate, but the response is not valid
        expect(Object.values(checks).filter(Boolean)).toHaveLength(5);
      } finally {
        warn.mockRestore();
      }
      expect(s.samples!.map((x) => [x.metric, x.value])).toEqual([
        ["rerank_valid", true],
        ["rerank_valid", false],
      ]);
      expect(mod.options.thresholds["rerank_valid{scenario:docs_10}"]).toEqual(["rate>=0.99"]);
      expect(Object.keys(mod.options.thresholds).some((k) => k.startsWith("checks"))).toBe(false);
    });

    it("sends distinct requests per scenario: docs_50 does not resend docs_10's query and documents", async () => {
      const s = stub({ DOCS: "10,50", RATE: "4" });
      const mod = await load("rerank-load", s);
      for (let i = 0; i < 20; i++) {
        iterate(mod, s, "docs_10", i);
        iterate(mod, s, "docs_50", i);
      }
      const bodies = s.posts.map((p) => JSON.parse(p.body) as { query: string; documents: string[] });
      const ten = bodies.filter((b) => b.documents.length === 10);
      const fifty = bodies.filter((b) => b.documents.length === 50);
      for (let i = 0; i < 20; i++) expect(fifty[i]!.documents.slice(0, 10)).not.toEqual(ten[i]!.documents);
      // before: iteration i of every scenario started with the same query; now they match only by
      // chance (the corpus has 25 queries: about 1 in 25)
      const sameQuery = ten.filter((b, i) => b.query === fifty[i]!.query).length;
      expect(sameQuery).toBeLessThan(5);
      // reproducible: the same scenario and iteration send the same body
      const again = stub({ DOCS: "10,50", RATE: "4" });
      const mod2 = await load("rerank-load", again);
      iterate(mod2, again, "docs_50", 3);
      expect(again.posts[0]!.body).toBe(s.posts[7]!.body);
    });

    it("MIX sends the weighted shares from one scenario, tagging each request with its count", async () => {
      const s = stub({ MIX: "10:0.6,50:0.3,100:0.1", RATE: "20", DURATION: "5s" });
      const mod = await load("rerank-load", s);
      expect(Object.keys(mod.options.scenarios)).toEqual(["mix"]);
      expect(mod.options.thresholds).toMatchObject({
        "http_req_duration{scenario:mix,docs:50}": ["p(95)<=150"],
        "rerank_valid{scenario:mix,docs:100}": ["rate>=0.99"],
      });
      const n = 2_000;
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        iterate(mod, s, "mix", i);
        const post = s.posts[i]!;
        const docs = JSON.parse(post.body).documents.length as number;
        expect(post.params.tags).toEqual({ name: "/rerank", docs: String(docs) });
        counts.set(docs, (counts.get(docs) ?? 0) + 1);
      }
      // binomial standard error at n = 2000 is ≤ 0.011; 0.045 is 4 of them
      expect(Math.abs(counts.get(10)! / n - 0.6)).toBeLessThan(0.045);
      expect(Math.abs(counts.get(50)! / n - 0.3)).toBeLessThan(0.045);
      expect(Math.abs(counts.get(100)! / n - 0.1)).toBeLessThan(0.045);
      expect(s.samples!.slice(0, 5).every((x) => x.metric === "rerank_valid" && x.tags?.docs !== undefined)).toBe(true);
    });

    it("sends TIMEOUT as the request timeout and counts a timed-out request as an invalid response", async () => {
      const s = stub({ DOCS: "10", RATE: "4", TIMEOUT: "2500ms" });
      const mod = await load("rerank-load", s);
      expect(mod.options.scenarios.docs_10).toMatchObject({ gracefulStop: "3500ms" });
      iterate(mod, s, "docs_10", 0);
      expect(s.posts[0]!.params.timeout).toBe(2_500);
      // what k6's http.post returns when the timeout fires (error code 1050)
      s.server = () => ({ status: 0, body: null, error_code: 1050, error: "request timeout" });
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      try {
        expect(iterate(mod, s, "docs_10", 1)).toEqual({ "answered within TIMEOUT": false });
        s.server = () => ({ status: 0, body: null, error_code: 1211, error: "dial: connection refused" });
        expect(iterate(mod, s, "docs_10", 2)).toEqual({ "status is 200": false });
      } finally {
        warn.mockRestore();
      }
      expect(s.samples!.map((x) => x.value)).toEqual([true, false, false]);
    });

    it("refuses a sub-second DURATION and a missing SUMMARY_DIR at init, where k6 would fail late or lose the files", async () => {
      await expect(load("rerank-load", stub({ DURATION: "500ms" }))).rejects.toThrow("DURATION: the duration must be at least 1s, but is 500ms");
      await expect(load("rerank-smoke", stub({ DURATION: "900ms" }))).rejects.toThrow("at least 1s");
      const missing = path.join(dir, "no-such-folder");
      await expect(load("rerank-load", stub({ SUMMARY_DIR: missing }))).rejects.toThrow(`SUMMARY_DIR ${missing} does not exist`);
      await expect(load("rerank-smoke", stub({ SUMMARY_DIR: missing }))).rejects.toThrow("does not exist");
      await expect(load("rerank-load", stub({ SUMMARY_DIR: targetsFile() }))).rejects.toThrow("is a file, not a folder");
      await expect(load("rerank-load", stub({ SUMMARY_DIR: dir }))).resolves.toHaveProperty("options");
      // relative folders are not probed (open() resolves them against the script, k6 writes against the cwd)
      await expect(load("rerank-load", stub({ SUMMARY_DIR: "out" }))).resolves.toHaveProperty("options");
    });

    it("does not probe SUMMARY_DIR when open() sees an archive's files, not the machine's (k6 inspect, cloud)", async () => {
      const { checkSummaryDir } = await import("../../k6/lib/summary.js");
      const archived = new Map([["/test/rerank-load.js", "…"]]);
      const archiveOpen = (p: string) => {
        if (!archived.has(p)) throw new Error(`open ${p}: file does not exist`);
        return archived.get(p)!;
      };
      expect(() => checkSummaryDir("/tmp", archiveOpen, 0)).not.toThrow();
      expect(() => checkSummaryDir(path.join(dir, "no-such-folder"), k6Open, 0)).toThrow("does not exist");
      expect(() => checkSummaryDir(path.join(dir, "no-such-folder"), k6Open, 1)).not.toThrow();
    });

    it("reads TARGETS with open() and refuses a bad environment at init", async () => {
      const file = path.join(dir, "targets.json");
      writeFileSync(file, JSON.stringify({ source: "test", achieved_rate_tolerance: 0.5, scenarios: [{ docs: 7, rps: 10, p95_ms: 900 }] }));
      const mod = await load("rerank-load", stub({ TARGETS: file, DURATION: "2s" }));
      expect(Object.keys(mod.options.scenarios)).toEqual(["docs_7"]);
      expect(mod.options.thresholds).toMatchObject({
        "http_req_duration{scenario:docs_7}": ["p(95)<=900"],
        "dropped_iterations{scenario:docs_7}": ["count<=10"],
      });
      await expect(load("rerank-load", stub({ RERANK_DIALECT: "nope" }))).rejects.toThrow("RERANK_DIALECT");
    });

    it("handleSummary writes text, JSON and JUnit with one testcase per threshold, without the key", async () => {
      const mod = await load("rerank-load", stub({ DOCS: "10,50", RATE: "1", DURATION: "4s", RERANK_API_KEY: SECRET, SUMMARY_DIR: "out" }));
      const data = loadSummaryData();
      const out = mod.handleSummary(data);
      expect(Object.keys(out).sort()).toEqual(["out/rerank-load-junit.xml", "out/rerank-load-summary.json", "out/rerank-load-summary.txt", "stdout"]);
      for (const text of Object.values(out)) expect(text).not.toContain(SECRET);

      const text = out["out/rerank-load-summary.txt"]!;
      expect(out.stdout!.startsWith(text)).toBe(true);
      expect(out.stdout).toContain("summary files: out/rerank-load-summary.txt");
      expect(out.stdout).not.toContain("BEGIN rerank-harness junit");
      expect(text).toContain("rerank-load · vllm · http://127.0.0.1:8000");
      expect(text).toMatch(/✓ http_req_duration\{scenario:docs_10\}\s+p\(95\)<=50\s+p\(95\)=31\.2ms/);
      expect(text).toMatch(/✗ http_req_duration\{scenario:docs_50\}\s+p\(95\)<=150\s+p\(95\)=180\.4ms/);
      expect(text).toMatch(/✗ sorted by score\s+22 passed, 1 failed/);
      expect(text).toContain("FAILED: 3 of 8 thresholds not met (k6 exits with code 99)");

      const json = JSON.parse(out["out/rerank-load-summary.json"]!);
      expect(json).toMatchObject({
        schema_version: 2,
        tool: "rerank-harness k6",
        script: "rerank-load",
        passed: false,
        target: { dialect: "vllm" },
        targets: { from: "default", tolerance: 0.05 },
      });
      expect(json.options).toBeUndefined();
      expect(json.scenarios).toMatchObject([
        { name: "docs_10", docs: 10, rps: 1, requests: 12, achieved_rps: 3, p95_ms: 31.2, p95_target_ms: 50, dropped: 0, valid_rate: 1, passed: true },
        { name: "docs_50", docs: 50, p95_ms: 180.4, p95_target_ms: 150, dropped: 1, valid_rate: 10 / 11, passed: false },
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
        "dropped_iterations{scenario:docs_50} count<=0",
        "http_req_duration{scenario:docs_50} p(95)<=150",
        "rerank_valid{scenario:docs_50} rate>=0.99",
      ]);
      expect(findAll(failed[1]!, "failure")[0]!.attrs.message).toBe("p(95)=180.4ms does not satisfy p(95)<=150");
      expect(findAll(xml, "property").map((p) => p.attrs.name)).toContain("check: sorted by score");
    });
  });

  describe("handleSummary input shapes", () => {
    it("renders k6's machine-readable summary: judges what its root metrics allow and says what it lacks", async () => {
      const smoke = await load("rerank-smoke", stub({ RERANK_API_KEY: SECRET }));
      const out = smoke.handleSummary(machineReadableSummary());
      const text = out["./rerank-smoke-summary.txt"]!;
      // one scenario: its sub-metrics equal the root metrics, so every threshold is judged
      expect(text).toMatch(/✗ rerank_valid\{scenario:smoke\}\s+rate==1\s+rate=80\.00%\s+\(judged from k6's figures\)/);
      expect(text).toMatch(/✓ http_reqs\{scenario:smoke\}\s+count>0\s+count=5/);
      expect(text).toContain("FAILED: 1 of 4 thresholds not met");
      expect(text).toContain("p(99) not in k6's summary: its machine-readable format has avg, min, med, max, p(90) and p(95) only");
      expect(text).toMatch(/smoke\s+3\s+1\s+5\s/);
      const json = JSON.parse(out["./rerank-smoke-summary.json"]!);
      expect(json).toMatchObject({
        passed: false,
        summary_format: "machine-readable",
        k6_version: "2.2.0",
        duration_ms: 5012.3,
        missing_trend_stats: ["p(99)"],
      });
      expect(json.scenarios[0]).toMatchObject({ requests: 5, p50_ms: 11, p95_ms: 25.5, valid_rate: 0.8 });
      expect(json.checks).toContainEqual({ name: "result count", passes: 4, fails: 1 });

      // several scenarios: k6's machine-readable summary has no per-scenario figures nor verdicts
      const load2 = await load("rerank-load", stub({ DOCS: "10,50", RATE: "1", DURATION: "2s" }));
      const out2 = load2.handleSummary(machineReadableSummary());
      const text2 = out2["./rerank-load-summary.txt"]!;
      expect(text2).toContain("NOT JUDGED: 8 of 8 thresholds are not in this summary; k6's exit code is the verdict");
      expect(JSON.parse(out2["./rerank-load-summary.json"]!)).toMatchObject({ passed: null, thresholds_not_reported: 8 });
      const junit = parseXml(out2["./rerank-load-junit.xml"]!);
      expect(findAll(junit, "skipped")).toHaveLength(8);
      expect(findAll(junit, "failure")).toHaveLength(0);
    });

    it("reports a mix overall and per count, leaving the report-only latency threshold out of the verdicts", async () => {
      const mod = await load("rerank-load", stub({ MIX: "10:0.75,100:0.25", RATE: "4", DURATION: "10s" }));
      const trend = (p95: number, count: number, th: string) => ({
        type: "trend" as const,
        contains: "time" as const,
        values: { avg: p95 / 2, min: 1, med: p95 / 2, max: p95 * 2, "p(90)": p95 * 0.9, "p(95)": p95, "p(99)": p95 * 1.5, count },
        thresholds: { [th]: { ok: true } },
      });
      const rate = (r: number, n: number, th: string, ok = true) => ({
        type: "rate" as const,
        contains: "default" as const,
        values: { rate: r, passes: Math.round(r * n), fails: n - Math.round(r * n) },
        thresholds: { [th]: { ok } },
      });
      const data = {
        metrics: {
          "http_req_duration{scenario:mix}": trend(100, 40, "max>=0"),
          "http_req_duration{scenario:mix,docs:10}": trend(30, 31, "p(95)<=50"),
          "http_req_duration{scenario:mix,docs:100}": trend(240, 9, "p(95)<=250"),
          "rerank_valid{scenario:mix}": rate(39 / 40, 40, "rate>=0.99", false),
          "rerank_valid{scenario:mix,docs:10}": rate(1, 31, "rate>=0.99"),
          "rerank_valid{scenario:mix,docs:100}": rate(8 / 9, 9, "rate>=0.99", false),
          "http_req_failed{scenario:mix}": rate(0, 40, "rate<0.01"),
          "dropped_iterations{scenario:mix}": { type: "counter" as const, values: { count: 0, rate: 0 }, thresholds: { "count<=2": { ok: true } } },
        },
        state: { testRunDurationMs: 21_000 },
      };
      const out = mod.handleSummary(data);
      const json = JSON.parse(out["./rerank-load-summary.json"]!);
      expect(json.scenarios[0]).toMatchObject({
        name: "mix",
        requests: 40,
        p95_ms: 100,
        valid_rate: 39 / 40,
        passed: false,
        mix: [
          { docs: 10, weight: 0.75, requests: 31, p95_ms: 30, p95_target_ms: 50, valid_rate: 1 },
          { docs: 100, weight: 0.25, requests: 9, p95_ms: 240, p95_target_ms: 250, valid_rate: 8 / 9 },
        ],
      });
      expect(json.thresholds.map((t: { threshold: string }) => t.threshold)).not.toContain("max>=0");
      expect(findAll(parseXml(out["./rerank-load-junit.xml"]!), "testcase")).toHaveLength(7);
      expect(out.stdout).toMatch(/\n {4}100 docs\s+100\s+25%\s+9\s+120\.0ms\s+240\.0ms\s+≤250ms\s+360\.0ms\s+88\.89%/);
      expect(out.stdout).toContain("FAILED: 2 of 7 thresholds not met");
    });

    it("takes the request count from rerank_valid and names the figures --summary-trend-stats left out", async () => {
      const mod = await load("rerank-load", stub({ DOCS: "10,50", RATE: "1", DURATION: "4s" }));
      const data = loadSummaryData();
      for (const m of Object.values(data.metrics)) {
        if (m.type === "trend") m.values = { avg: m.values.avg!, "p(95)": m.values["p(95)"]! }; // --summary-trend-stats=avg,p(95)
      }
      const out = mod.handleSummary(data);
      const text = out["./rerank-load-summary.txt"]!;
      expect(text).toContain("med, p(99) not in k6's summary: add them to --summary-trend-stats");
      const json = JSON.parse(out["./rerank-load-summary.json"]!);
      expect(json.scenarios[0]).toMatchObject({ name: "docs_10", requests: 12, p95_ms: 31.2 });
      expect(json.scenarios[0].p99_ms).toBeUndefined();
      expect(json.missing_trend_stats).toEqual(["med", "p(99)"]);
    });

    it("prints the JUnit between markers on stdout with JUNIT_STDOUT, for runners whose files vanish", async () => {
      const mod = await load("rerank-load", stub({ DOCS: "10,50", RATE: "1", JUNIT_STDOUT: "1", RERANK_API_KEY: SECRET }));
      const out = mod.handleSummary(loadSummaryData());
      const m = /----- BEGIN rerank-harness junit rerank-load\n([\s\S]*?)----- END rerank-harness junit rerank-load\n/.exec(out.stdout!);
      expect(m).not.toBeNull();
      expect(m![1]).toBe(out["./rerank-load-junit.xml"]);
      expect(findAll(parseXml(m![1]!), "testcase")).toHaveLength(8);
      expect(out.stdout).not.toContain(SECRET);
    });
  });

  describe("rerank-smoke", () => {
    it("exports a short arrival-rate scenario whose thresholds allow no failure", async () => {
      const mod = await load("rerank-smoke", stub({}));
      expect(mod.options.scenarios).toEqual({ smoke: expect.objectContaining({ executor: "constant-arrival-rate", rate: 1, timeUnit: "1s", duration: "5s" }) });
      expect(mod.options.thresholds).toEqual({
        "rerank_valid{scenario:smoke}": ["rate==1"],
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

    it("says at init that it ignores the load-only RAMP, RAMP_UP and MIX", async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      try {
        await load("rerank-smoke", stub({ MIX: "10:1", RAMP_UP: "2s" }));
        expect(warn).toHaveBeenCalledWith("rerank-smoke ignores RAMP_UP, MIX (rerank-load only)");
      } finally {
        warn.mockRestore();
      }
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
