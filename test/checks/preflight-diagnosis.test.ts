import { describe, expect, test } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { startLlamacppLikeServer, startCohereLikeServer } from "../servers/dialect-servers.js";
import { startStaticFileServer } from "../servers/hostile.js";
import { SERVED_MODEL, startVllmLikeServer, type TestServer } from "../servers/vllm-like.js";

// A target that cannot take the dialect's simplest request stops before any check: exit 2,
// one short diagnosis and the next step, in under 15 lines.
async function check(server: TestServer, args: string[], env: Record<string, string> = {}) {
  try {
    return await runCli(["check", "--target", server.url, "--timeout", "3s", ...args], { timeoutMs: 60_000, env });
  } finally {
    await server.close();
  }
}

function expectShortStop(run: { code: number | null; stdout: string; stderr: string }) {
  expect(run.code, run.stderr).toBe(2);
  const lines = `${run.stdout}${run.stderr}`.trim().split("\n");
  expect(lines.length, lines.join("\n")).toBeLessThan(15);
  expect(run.stdout).toBe("");
}

describe("preflight diagnoses", () => {
  test("a static file server (501, HTML): not a rerank route, no rerank API found", async () => {
    const run = await check(await startStaticFileServer(), []);
    expectShortStop(run);
    expect(run.stderr).toMatch(/answered 501 \(text\/html\): not a rerank route/);
    expect(run.stderr).toMatch(/next: no probe found a rerank API/);
  });

  test("--dialect tei against vLLM: names the field TEI does not send and the dialect to use", async () => {
    const run = await check(await startVllmLikeServer(), ["--dialect", "tei"]);
    expectShortStop(run);
    expect(run.stderr).toMatch(/ERR_PREFLIGHT_WRONG_DIALECT/);
    expect(run.stderr).toMatch(/asks for "documents", which the tei dialect does not send/);
    expect(run.stderr).toMatch(/use --dialect vllm/);
  });

  test("--dialect vllm against llama.cpp: a 2xx body of another shape", async () => {
    const run = await check(await startLlamacppLikeServer(), ["--dialect", "vllm"]);
    expectShortStop(run);
    expect(run.stderr).toMatch(/not a vLLM body/);
    expect(run.stderr).toMatch(/use --dialect llamacpp/);
  });

  test("an unknown model: the names /v1/models lists", async () => {
    const run = await check(await startVllmLikeServer(), ["--dialect", "vllm", "--model", "no-such-model"]);
    expectShortStop(run);
    expect(run.stderr).toMatch(/model "no-such-model" is not served here/);
    expect(run.stderr).toMatch(new RegExp(`try --model ${SERVED_MODEL}`));
  });

  test("a missing key: which variable to set", async () => {
    const run = await check(await startLlamacppLikeServer({ apiKey: "sekrit" }), ["--dialect", "llamacpp", "--api-key-env", "RH_TEST_UNSET_KEY"]);
    expectShortStop(run);
    expect(run.stderr).toMatch(/set \$RH_TEST_UNSET_KEY/);
  });

  test("cohere-v2 without --model refuses to start", async () => {
    const run = await check(await startCohereLikeServer(2), ["--dialect", "cohere-v2"]);
    expectShortStop(run);
    expect(run.stderr).toMatch(/needs a model name in every request \(.+\)\nnext: pass --model NAME or the target setting #model=NAME\n/);
  });

  test("--dialect auto says which dialect and why, then checks with it", async () => {
    const run = await check(await startLlamacppLikeServer(), ["--dialect", "auto", "--only", "schema."]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/dialect auto: .* speaks llamacpp \(GET \/v1\/models: owned_by "llamacpp"/);
    expect(run.stdout).toMatch(/dialect llamacpp/);
  });
});
