import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";
import { makeQueries, writeMteb } from "./datasets.js";

// check --dataset --min-ndcg: the relevance.dataset check inside the conformance run.

const dir = mkdtempSync(join(tmpdir(), "rh-check-dataset-"));
const file = join(dir, "m.jsonl");
let good: TestServer;
let inverted: TestServer;

beforeAll(async () => {
  writeMteb(file, makeQueries(20));
  [good, inverted] = await Promise.all([startVllmLikeServer(), startVllmLikeServer({ fault: "relevant_last" })]);
});
afterAll(async () => {
  await Promise.all([good?.close(), inverted?.close()]);
});

describe("check --dataset", () => {
  it("passes above --min-ndcg with the figures in the message, fails below (exit 1)", async () => {
    const json = join(dir, "good.json");
    const ok = await runCli(["check", "--target", good.url, "--only", "relevance.dataset", "--dataset", file, "--min-ndcg", "0.7", "--json", json], {
      timeoutMs: 60_000,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/PASS {2}relevance\.dataset\s+MUST\s+NDCG@10 0\.\d{4} ≥ --min-ndcg 0\.7; MAP/);
    const outcome = (JSON.parse(readFileSync(json, "utf8")) as { checks: Array<{ id: string; status: string; message?: string }> }).checks[0]!;
    expect(outcome).toMatchObject({ id: "relevance.dataset", status: "pass" });
    const ndcg = Number(/NDCG@10 (\S+)/.exec(outcome.message!)![1]);

    const bad = await runCli(["check", "--target", inverted.url, "--only", "relevance.dataset", "--dataset", file, "--min-ndcg", "0.7"], { timeoutMs: 60_000 });
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/FAIL {2}relevance\.dataset\s+MUST\s+NDCG@10 0\.\d{4} < --min-ndcg 0\.7/);
    const worse = Number(/NDCG@10 (\S+) </.exec(bad.stdout)![1]);
    expect(worse).toBeLessThan(ndcg);
  }, 130_000);

  it("skips without --dataset; --min-ndcg alone or a bad file is a usage error", async () => {
    const none = await runCli(["check", "--target", good.url, "--only", "relevance.dataset"], { timeoutMs: 60_000 });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/skip {2}relevance\.dataset\s+MUST\s+no --dataset given/);
    const alone = await runCli(["check", "--target", good.url, "--min-ndcg", "0.5"], { timeoutMs: 30_000 });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--min-ndcg needs --dataset");
    const missing = await runCli(["check", "--target", good.url, "--dataset", join(dir, "nope.jsonl")], { timeoutMs: 30_000 });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`error: --dataset ${join(dir, "nope.jsonl")}: cannot read it (ENOENT)`);
  }, 90_000);
});
