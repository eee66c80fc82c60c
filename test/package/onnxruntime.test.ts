/**
 * Which onnxruntime-node the embedded reference runs on: the user's own (an optional peer), else
 * the bundled onnxruntime-node-cpu alias (onnxruntime-node 1.17.0, no install script). Only the
 * bundled runtime is loaded in this file: two onnxruntime builds in one process is not a setup
 * anybody runs.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadReranker } from "../../src/reference/model.js";
import { describeOnnxruntime, resolveOnnxruntime } from "../../src/util/optional-deps.js";

const saved = process.env.RERANK_HARNESS_ONNXRUNTIME;
afterEach(() => {
  if (saved === undefined) delete process.env.RERANK_HARNESS_ONNXRUNTIME;
  else process.env.RERANK_HARNESS_ONNXRUNTIME = saved;
});

describe("onnxruntime resolution", () => {
  it("prefers the installed onnxruntime-node (this repo's devDependency), falls back to the bundled 1.17.0", () => {
    delete process.env.RERANK_HARNESS_ONNXRUNTIME;
    const peer = resolveOnnxruntime();
    expect(peer.source).toBe("peer");
    expect(peer.version).toBe(JSON.parse(readFileSync("node_modules/onnxruntime-node/package.json", "utf8")).version);
    expect(describeOnnxruntime(peer)).toBe(`onnxruntime-node ${peer.version}`);

    process.env.RERANK_HARNESS_ONNXRUNTIME = "bundled";
    const bundled = resolveOnnxruntime();
    expect(bundled).toMatchObject({ source: "bundled", version: "1.17.0" });
    expect(bundled.path).toContain("node_modules/onnxruntime-node-cpu/");
    expect(describeOnnxruntime(bundled)).toBe("onnxruntime-node 1.17.0, bundled CPU runtime");

    process.env.RERANK_HARNESS_ONNXRUNTIME = "gpu";
    expect(() => resolveOnnxruntime()).toThrow('RERANK_HARNESS_ONNXRUNTIME=gpu: expected "peer" or "bundled"');
  });

  it("the bundled package is pinned exactly (1.17.3 and later download CUDA in a postinstall) and declares no install script", () => {
    const own = JSON.parse(readFileSync("package.json", "utf8"));
    // optional: on a platform it has no binaries for (its "os"), npm skips it instead of failing the install
    expect(own.optionalDependencies["onnxruntime-node-cpu"]).toBe("npm:onnxruntime-node@1.17.0");
    const pkg = JSON.parse(readFileSync("node_modules/onnxruntime-node-cpu/package.json", "utf8"));
    expect(pkg.name).toBe("onnxruntime-node");
    for (const hook of ["preinstall", "install", "postinstall"]) expect(pkg.scripts?.[hook], hook).toBeUndefined();
  });

  // 1.17's binding is not context-aware: a second worker thread loading it gets "Module did not
  // self-register". Each of its sessions runs in a child process of its own.
  it("bundled runtime: two models at once in one process, then another after both closed", async () => {
    process.env.RERANK_HARNESS_ONNXRUNTIME = "bundled";
    const [bert, bm25] = await Promise.all([loadReranker("tiny-bert"), loadReranker("bm25")]);
    const query = "what is a reranker";
    const docs = ["a reranker scores documents against a query", "bananas are yellow"];
    const [a, b] = await Promise.all([bert.score(query, docs), bm25.score(query, docs)]);
    expect(a.scores).toHaveLength(2);
    expect(b.scores[0]).toBeGreaterThan(b.scores[1]!);
    await Promise.all([bert.close(), bm25.close()]);
    const again = await loadReranker("bm25");
    expect((await again.score(query, docs)).scores).toEqual(b.scores);
    await again.close();
  }, 60_000);
});
