import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { diagnose, onScale, orderViolations, scoreDelta, variantsFor, type ScoredRequest } from "../../src/checks/fidelity/compare.js";
import { fidelityRequests } from "../../src/checks/fidelity/collect.js";
import { toleranceFor } from "../../src/checks/fidelity/tolerance.js";
import { renderCatalogue } from "../../src/checks/list.js";
import { sigmoid } from "../../src/reference/activation.js";
import { runCli } from "../cli/run-cli.js";
import { startModelVariantServer } from "../servers/model-variant.js";
import type { TestServer } from "../servers/vllm-like.js";

const logits = [
  [0.9, -0.2, 0.3],
  [-1.5, 2.0, 0.1],
];
const zeroed = [
  [0.85, -0.25, 0.33],
  [-1.45, 1.96, 0.15],
];
const request = (server: number[], i: number): ScoredRequest => ({ label: `r${i}`, query: "q", documents: ["a", "b", "c"], server, logits: logits[i]! });

describe("fidelity comparison", () => {
  test("tolerances: relative on logits with a floor of 1, a quarter of it on probabilities", () => {
    expect(toleranceFor("fp32", "logit", 0.2)).toBe(1e-3);
    expect(toleranceFor("fp32", "logit", -5)).toBeCloseTo(5e-3, 12);
    expect(toleranceFor("fp16", "logit", 2)).toBeCloseTo(2e-2, 12);
    expect(toleranceFor("fp16", "probability", 0.7)).toBeCloseTo(2.5e-3, 12);
    expect(toleranceFor("bf16", "logit", 0)).toBeCloseTo(8e-2, 12);
  });

  test("scoreDelta finds the largest difference and counts the pairs over tolerance", () => {
    const reqs = [request([0.9, -0.2, 0.3005], 0), request([-1.5, 2.05, 0.1], 1)];
    const d = scoreDelta(reqs, logits, "logit", "fp32");
    expect(d.pairs).toBe(6);
    expect(d.over).toBe(1);
    expect(d.maxAbs).toBeCloseTo(0.05, 9);
    expect(d.at).toMatchObject({ request: "r1", index: 1 });
  });

  test("orderViolations reports swapped pairs the model separates, and ignores pairs within tolerance", () => {
    const reqs = [request([-0.2, 0.9, 0.3], 0), request([-1.5, 2.0, 0.1], 1)];
    const { violations, compared } = orderViolations(reqs, logits, "logit", "fp32");
    expect(compared).toBe(6);
    expect(violations).toHaveLength(3); // every pair of r0 swaps; r1 keeps its order
    expect(violations[0]).toMatchObject({ request: "r0", above: 0, below: 1 });
    const close = [[0.5, 0.5002, 0.1]];
    const near: ScoredRequest[] = [{ label: "near", query: "q", documents: ["a", "b", "c"], server: [0.5002, 0.5, 0.1], logits: close[0]! }];
    expect(orderViolations(near, close, "logit", "fp32").compared).toBe(2);
  });

  test("diagnose names the variant the scores match, with its source", () => {
    const asZeroed = zeroed.map((row, i) => request(row, i));
    const d1 = diagnose(asZeroed, variantsFor(asZeroed, { zeroTokenTypes: zeroed }, "logit"), "logit", "fp32");
    expect(d1.match?.id).toBe("token_types_zeroed");
    expect(d1.text).toMatch(/token types zeroed .*llama\.cpp PR #21729/);

    const twice = logits.map((row, i) =>
      request(
        row.map((x) => sigmoid(sigmoid(x))),
        i,
      ),
    );
    const d2 = diagnose(twice, variantsFor(twice, { zeroTokenTypes: zeroed }, "probability"), "probability", "fp32");
    expect(d2.match?.id).toBe("double_sigmoid");
    expect(d2.text).toMatch(/sigmoid applied twice: node-llama-cpp#617/);

    const raw = logits.map((row, i) => request(row, i));
    const d3 = diagnose(raw, variantsFor(raw, {}, "probability"), "probability", "fp32");
    expect(d3.match?.id).toBe("other_score_kind");

    const truncated = [
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ];
    const cut = truncated.map((row, i) =>
      request(
        row.map((x) => onScale(x, "probability")),
        i,
      ),
    );
    const d4 = diagnose(cut, variantsFor(cut, { zeroTokenTypes: zeroed, truncated: { limit: 8, logits: truncated } }, "probability"), "probability", "fp32");
    expect(d4.match?.id).toBe("truncated");
    expect(d4.text).toMatch(/reported limit of 8 tokens/);

    const other = logits.map((row, i) =>
      request(
        row.map((x) => x * 3 + 1),
        i,
      ),
    );
    const d5 = diagnose(other, variantsFor(other, { zeroTokenTypes: zeroed }, "logit"), "logit", "fp32");
    expect(d5.match).toBeUndefined();
    expect(d5.text).toMatch(/another model, or another revision/);
  });

  test("the requests: every labelled set, then a seeded sample that the seed reproduces", () => {
    const a = fidelityRequests(1);
    expect(a.filter((r) => r.label.startsWith("sample-"))).toHaveLength(8);
    expect(fidelityRequests(1)).toEqual(a);
    expect(fidelityRequests(2).slice(-8)).not.toEqual(a.slice(-8));
  });

  test("check --list shows the fidelity checks with their sources", () => {
    const text = renderCatalogue();
    expect(text).toMatch(/fidelity\.scores\s+MUST/);
    expect(text).toMatch(/fidelity\.order\s+MUST/);
    expect(text).toMatch(/source: .*test_scoring\.py/);
  });
});

test("check --fidelity with a model that does not exist: exit 2 before any target starts", async () => {
  const run = await runCli(["check", "--fidelity", "no-such-model", "--only", "fidelity"], { timeoutMs: 60_000 });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--fidelity: Unknown model "no-such-model"/);
}, 70_000);

describe("check --fidelity against real model computations", () => {
  const servers: Record<string, TestServer> = {};
  beforeAll(async () => {
    servers.twice = await startModelVariantServer("tiny-bert", "double_sigmoid");
    servers.zeroed = await startModelVariantServer("tiny-bert", "token_types_zeroed");
  }, 120_000);
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  test("passes against the reference serving the same model", async () => {
    const run = await runCli(["check", "--reference", "tiny-bert", "--fidelity", "tiny-bert", "--only", "fidelity", "--verbose"], { timeoutMs: 150_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/PASS\s+fidelity\.scores/);
    expect(run.stdout).toMatch(/PASS\s+fidelity\.order/);
  }, 160_000);

  test("names the double sigmoid when the server applies it twice", async () => {
    const run = await runCli(
      ["check", "--target", servers.twice!.url, "--dialect", "vllm", "--model", "tiny-bert", "--fidelity", "tiny-bert", "--only", "fidelity"],
      { timeoutMs: 150_000 },
    );
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/FAIL\s+fidelity\.scores[\s\S]*sigmoid applied twice: node-llama-cpp#617/);
  }, 160_000);

  test("names token types when the server zeroes them", async () => {
    const run = await runCli(
      ["check", "--target", servers.zeroed!.url, "--dialect", "vllm", "--model", "tiny-bert", "--fidelity", "tiny-bert", "--only", "fidelity"],
      { timeoutMs: 150_000 },
    );
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/FAIL\s+fidelity\.scores[\s\S]*token types zeroed[\s\S]*llama\.cpp PR #21729/);
  }, 160_000);
});
