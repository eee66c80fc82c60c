import { afterEach, describe, expect, it } from "vitest";
import { maxDocsOf, oversizeWarnings } from "../../src/load/limits.js";
import { runLoad } from "../../src/load/run.js";
import type { ScenarioSpec } from "../../src/load/plan.js";
import { startTeiLikeServer } from "../servers/tei-like.js";
import { dialectTarget } from "../servers/target.js";
import { runCli } from "../cli/run-cli.js";
import type { TestServer } from "../servers/vllm-like.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const quick = { rate: 10, durationMs: 300, warmupMs: 0, timeoutMs: 2_000 };

describe("documents over the server's limit are named before sending", () => {
  it("TEI at its default 32 (read from GET /info): the 50-document scenario is warned about before any rerank request, with the flag and --docs", async () => {
    const seen: string[] = [];
    server = await startTeiLikeServer({ seen });
    const warnings: string[] = [];
    const report = await runLoad(dialectTarget(server, "tei", undefined), {
      ...quick,
      docs: [10, 50],
      onWarning: (line) => warnings.push(`${line} [requests so far: ${seen.join(", ")}]`),
    });
    expect(warnings).toEqual([
      "scenario docs_50 sends 50 documents per request, but Hugging Face TEI takes at most 32 (GET /info): those requests will be refused. Start the server with --max-client-batch-size 50 or more, or choose at most 32 documents (--docs). [requests so far: GET /info]",
    ]);
    // As warned: the 50-document scenario got nothing but refusals, the 10-document one none.
    const [ten, fifty] = report.scenarios;
    expect(ten!.errors).toBe(0);
    expect(fifty!.ok).toBe(0);
    expect(fifty!.status_counts).toEqual({ "422": fifty!.sent });
  });

  it("a TEI whose operator raised the limit to 128 gets no warning", async () => {
    server = await startTeiLikeServer({ maxClientBatchSize: 128 });
    const warnings: string[] = [];
    const report = await runLoad(dialectTarget(server, "tei", undefined), { ...quick, docs: [50], onWarning: (l) => warnings.push(l) });
    expect(warnings).toEqual([]);
    expect(report.scenarios[0]!.errors).toBe(0);
  });

  it("without GET /info the documented default applies, and the warning says so", async () => {
    server = await startTeiLikeServer({ info: false, maxClientBatchSize: 128 });
    const warnings: string[] = [];
    await runLoad(dialectTarget(server, "tei", undefined), { ...quick, docs: [40], onWarning: (l) => warnings.push(l) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("takes at most 32 (the documented default; GET /info answered 404)");
  });

  it("a mix is judged by its largest component; a dialect without a flag only suggests --docs", () => {
    const spec = (name: string, docs: number, mix?: { docs: number; weight: number }[]): ScenarioSpec => ({
      name,
      docs,
      mode: "open",
      rate: 1,
      concurrency: null,
      target: undefined,
      ...(mix ? { mix } : {}),
    });
    const mixed = spec("mix", 20, [
      { docs: 10, weight: 3 },
      { docs: 3000, weight: 1 },
    ]);
    expect(maxDocsOf(mixed)).toBe(3000);
    expect(oversizeWarnings([spec("docs=10", 10), mixed], { max: 2048, from: "the documented default; Infinity reports no limits" }, "Infinity")).toEqual([
      "scenario mix sends 3000 documents per request, but Infinity takes at most 2048 (the documented default; Infinity reports no limits): those requests will be refused. Choose at most 2048 documents (--docs).",
    ]);
  });

  it("`load` prints the warning on stderr before the run (no callback wired)", async () => {
    server = await startTeiLikeServer();
    const run = await runCli(
      ["load", "--target", server.url, "--dialect", "tei", "--docs", "10,50", "--rate", "5", "--duration", "300ms", "--warmup", "0s", "--no-progress"],
      { timeoutMs: 60_000 },
    );
    expect(run.stderr).toMatch(
      /^warning: scenario docs_50 sends 50 documents per request, but Hugging Face TEI takes at most 32 \(GET \/info\).*--max-client-batch-size 50.*--docs\)\.$/m,
    );
    expect(run.stderr).not.toMatch(/docs_10 sends/);
  });
});
