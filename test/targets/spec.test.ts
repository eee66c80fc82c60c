import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseTargetSpec, TargetSpecError } from "../../src/targets/spec.js";
import { resolveTarget } from "../../src/targets/resolve.js";
import { targetSpecsFromOptions } from "../../src/targets/start.js";
import type { TargetContext } from "../../src/targets/target.js";

const ctx: TargetContext = { reference: "bm25", apiKeyEnv: "RERANK_API_KEY", timeoutMs: 5_000, log: () => {} };
const saved = { ...process.env };
afterEach(() => {
  for (const k of ["CO_API_KEY", "JINA_API_KEY", "MY_KEY"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("target specs with # settings", () => {
  it("splits a URL from its settings and lets them win over the command's flags", () => {
    const spec = parseTargetSpec("https://api.cohere.com#dialect=cohere-v2&model=rerank-v3.5&key-env=CO_API_KEY");
    expect(spec).toMatchObject({
      kind: "url",
      url: "https://api.cohere.com",
      settings: { dialect: "cohere-v2", model: "rerank-v3.5", "key-env": "CO_API_KEY" },
    });
    process.env["CO_API_KEY"] = "co-secret-value";
    const r = resolveTarget(spec, { ...ctx, dialect: "vllm", model: "other" });
    expect(r.dialect.name).toBe("cohere-v2");
    expect(r.model).toBe("rerank-v3.5");
    expect(r.apiKeyEnv).toBe("CO_API_KEY");
    expect(r.apiKey).toBe("co-secret-value");
    expect(r.label).toBe("https://api.cohere.com");
  });

  it("keeps a '#' that is part of a process command", () => {
    const spec = parseTargetSpec("process:echo '#not settings' && serve#port=9001&health=/ready&name=mine");
    expect(spec).toMatchObject({ kind: "process", command: "echo '#not settings' && serve", settings: { port: 9001, health: "/ready", name: "mine" } });
    expect(parseTargetSpec("process:echo a#b")).toMatchObject({ kind: "process", command: "echo a#b" });
  });

  it("accepts url and port for process targets and rejects bad values", () => {
    expect(parseTargetSpec("process:x#url=http://127.0.0.1:8080/api").settings.url).toBe("http://127.0.0.1:8080/api");
    expect(() => parseTargetSpec("process:x#port=70000")).toThrow(TargetSpecError);
    expect(() => parseTargetSpec("process:x#url=ftp://h")).toThrow(/url/);
    expect(() => parseTargetSpec("http://h#colour=red")).toThrow(/"colour"/);
    expect(() => parseTargetSpec("embedded#nmae=x")).toThrow(/^target "embedded#nmae=x": unknown setting "nmae" \(known: dialect, model, /);
    expect(() => parseTargetSpec("embedded#port=abc")).toThrow(/^target "embedded#port=abc": bad setting "port": /);
    expect(() => parseTargetSpec("container:Not An Image!")).toThrow(/neither a known container .* nor an image reference/);
    expect(() => parseTargetSpec("container:local/x:1#image=other")).toThrow(/image is named twice/);
  });

  it("container targets speak their server's dialect unless told otherwise", () => {
    expect(resolveTarget(parseTargetSpec("container:tei"), ctx).dialect.name).toBe("tei");
    expect(resolveTarget(parseTargetSpec("container:infinity"), ctx).dialect.name).toBe("infinity");
    expect(resolveTarget(parseTargetSpec("container:vllm#image=vllm/vllm-openai:v0.11.0&gpus=0,1"), ctx)).toMatchObject({ dialect: { name: "vllm" } });
    expect(parseTargetSpec("container:vllm#image=vllm/vllm-openai:v0.11.0&gpus=0,1&served-model=BAAI/bge-reranker-v2-m3").settings).toEqual({
      image: "vllm/vllm-openai:v0.11.0",
      gpus: "0,1",
      "served-model": "BAAI/bge-reranker-v2-m3",
    });
  });
});

describe("presets", () => {
  it("cohere expands to the vendor's URL, dialect, model and key variable", () => {
    process.env["CO_API_KEY"] = "co-preset-key";
    const spec = parseTargetSpec("cohere");
    expect(spec).toMatchObject({ kind: "url", url: "https://api.cohere.com" });
    expect(resolveTarget(spec, ctx)).toMatchObject({
      label: "cohere",
      model: "rerank-v3.5",
      apiKeyEnv: "CO_API_KEY",
      apiKey: "co-preset-key",
      dialect: { name: "cohere-v2" },
    });
  });

  it("jina expands likewise, and its settings can be overridden after #", () => {
    const spec = parseTargetSpec("jina#model=jina-reranker-v1-turbo-en&key-env=MY_KEY&name=jina-turbo");
    process.env["MY_KEY"] = "jina-override";
    expect(resolveTarget(spec, ctx)).toMatchObject({
      label: "jina-turbo",
      model: "jina-reranker-v1-turbo-en",
      apiKeyEnv: "MY_KEY",
      apiKey: "jina-override",
      dialect: { name: "jina" },
    });
    expect(spec).toMatchObject({ url: "https://api.jina.ai" });
  });

  it("a missing key variable resolves to no key (the vendor is never called here)", () => {
    delete process.env["JINA_API_KEY"];
    expect(resolveTarget(parseTargetSpec("jina"), ctx).apiKey).toBeUndefined();
  });
});

describe("--config files", () => {
  const dir = mkdtempSync(join(tmpdir(), "rh-config-"));

  it("lists targets with their settings, before the --target flags", async () => {
    const file = join(dir, "targets.json");
    writeFileSync(
      file,
      JSON.stringify({
        targets: [
          { spec: "container:vllm", gpus: "all", "served-model": "BAAI/bge-reranker-base", name: "self-hosted" },
          { spec: "cohere", model: "rerank-english-v3.0" },
          { spec: "http://127.0.0.1:9999", dialect: "tei" },
        ],
      }),
    );
    const specs = await targetSpecsFromOptions({ config: file, target: ["embedded#reference=tiny-bert"] });
    expect(specs.map((s) => s.kind)).toEqual(["container", "url", "url", "embedded"]);
    expect(specs[0]!.settings).toMatchObject({ gpus: "all", name: "self-hosted" });
    expect(resolveTarget(specs[1]!, ctx)).toMatchObject({ model: "rerank-english-v3.0", dialect: { name: "cohere-v2" }, apiKeyEnv: "CO_API_KEY" });
    expect(resolveTarget(specs[2]!, ctx).dialect.name).toBe("tei");
    expect(specs[3]!.settings.reference).toBe("tiny-bert");
  });

  it("accepts a bare array and names the file and field in errors", async () => {
    const file = join(dir, "array.json");
    writeFileSync(file, JSON.stringify([{ spec: "jina" }]));
    expect((await targetSpecsFromOptions({ config: file, target: [] })).map((s) => s.raw)).toEqual(["jina"]);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ targets: [{ spec: "jina", dialect: "nope" }] }));
    await expect(targetSpecsFromOptions({ config: bad, target: [] })).rejects.toThrow(/"dialect"/);
    await expect(targetSpecsFromOptions({ config: join(dir, "missing.json"), target: [] })).rejects.toThrow(/missing\.json/);
  });

  it("defaults to the embedded target", async () => {
    expect((await targetSpecsFromOptions({ target: [] })).map((s) => s.kind)).toEqual(["embedded"]);
  });
});
