import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CATALOGUE } from "../../src/checks/catalogue/index.js";
import { CheckReportJson } from "../../src/report/check-json.js";
import { assertWellFormedXml, HAS_PYTHON3 } from "../helpers/tools.js";
import { runCli } from "../cli/run-cli.js";
import { closedPortUrl } from "../servers/hostile.js";
import { SERVED_MODEL, startVllmLikeServer } from "../servers/vllm-like.js";

// The command end to end (spawned from source): exit codes 0/1/2, summary, report files.
// The rest of the behaviour is tested in-process, which is much cheaper.

const dir = mkdtempSync(join(tmpdir(), "rh-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rerank-harness check", () => {
  test("--list prints every check with its level and dialects", async () => {
    const run = await runCli(["check", "--list"]);
    expect(run.code).toBe(0);
    for (const c of CATALOGUE) expect(run.stdout).toMatch(new RegExp(`^\\s+${c.id.replace(".", "\\.")}\\s+${c.level}\\s+\\[`, "m"));
    expect(run.stdout).toMatch(/top_n\.zero\s+MUST\s+\[vllm, jina, cohere-v1, cohere-v2, infinity, llamacpp\]/);
  });

  test("a faulty server: exit 1, the failing check in the summary, JUnit and JSON written", async () => {
    const server = await startVllmLikeServer({ fault: "unsorted" });
    try {
      const junit = join(dir, "faulty", "junit.xml");
      const json = join(dir, "faulty", "report.json");
      const run = await runCli(
        ["check", "--target", server.url, "--dialect", "vllm", "--model", SERVED_MODEL, "--fuzz", "5", "--junit", junit, "--json", json],
        { timeoutMs: 60_000 },
      );
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/^\s+FAIL\s+sort\.descending\s+MUST\s+results are not sorted/m);
      expect(run.stdout).toMatch(/^FAILED: \d+ passed, \d+ failed/m);

      const xml = readFileSync(junit, "utf8");
      expect(xml.match(/<testcase /g)).toHaveLength(CATALOGUE.length);
      expect(xml).toMatch(/<testcase name="sort\.descending" classname="rerank\.vllm\.sort" time="[\d.]+">\s*<failure message="results are not sorted/);

      // Strict schema (the published one's source): an undescribed field fails here.
      const report = CheckReportJson.parse(JSON.parse(readFileSync(json, "utf8")));
      expect(report).toMatchObject({ schema_version: 2, base_url: server.url, dialect: "vllm", model: SERVED_MODEL, passed: false });
      const sort = report.checks.find((c) => c.id === "sort.descending")!;
      expect(sort).toMatchObject({ level: "MUST", status: "fail" });
      expect(sort.evidence![0]).toMatchObject({ status: 200, content_type: "application/json", request: { method: "POST", url: `${server.url}/rerank` } });
      expect(sort.evidence![0]!.body_start).toContain("relevance_score");
    } finally {
      await server.close();
    }
  }, 90_000);

  test.skipIf(!HAS_PYTHON3)("…and that JUnit file is well-formed XML (python3's parser; skipped without python3)", () => {
    assertWellFormedXml(join(dir, "faulty", "junit.xml"));
  });

  test("a target that refuses connections: exit 2 with the reason, at once", async () => {
    const started = Date.now();
    const run = await runCli(["check", "--target", await closedPortUrl(), "--timeout", "2s"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/preflight failed \(ERR_CONNECTION_REFUSED\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test("--only that selects nothing is a usage error", async () => {
    const run = await runCli(["check", "--only", "no.such.check"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/selects no check/);
  });
});
