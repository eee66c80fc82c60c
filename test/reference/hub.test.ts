import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SEED } from "./helpers.js";
import { ModelNotCachedError, ModelNotFoundError } from "../../src/reference/errors.js";
import { fixtureModelDir } from "../../src/reference/fixtures.js";
import { loadReranker } from "../../src/reference/model.js";

const REPO = "cross-encoder/fake-bm25";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"];

/** A fake Hugging Face Hub: /{repo}/resolve/{rev}/{file} with X-Repo-Commit and Range support. */
function fakeHub(files: Map<string, Buffer>) {
  const log: Array<{ path: string; range?: string; status: number }> = [];
  const server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? "");
    const prefix = `/${REPO}/resolve/main/`;
    const body = url.startsWith(prefix) ? files.get(url.slice(prefix.length)) : undefined;
    const range = req.headers.range;
    if (!body) {
      log.push({ path: url, range, status: 404 });
      res.writeHead(404, { "x-error-code": "EntryNotFound" }).end("Entry not found");
      return;
    }
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    const start = m ? Number(m[1]) : 0;
    const status = m ? 206 : 200;
    log.push({ path: url, range, status });
    res.writeHead(status, {
      "x-repo-commit": COMMIT,
      "content-length": String(body.length - start),
      ...(m ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    res.end(body.subarray(start));
  });
  return { server, log };
}

describe("Hugging Face hub download", () => {
  let hub: ReturnType<typeof fakeHub>;
  let files: Map<string, Buffer>;
  let hfHome: string;

  beforeAll(async () => {
    const dir = await fixtureModelDir("bm25");
    files = new Map(await Promise.all(FILES.map(async (f) => [f, await readFile(join(dir, f))] as const)));
    hub = fakeHub(files);
    await new Promise<void>((r) => hub.server.listen(0, "127.0.0.1", r));
    process.env.HF_ENDPOINT = `http://127.0.0.1:${(hub.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => (hub.server as Server).close(() => r())));
  beforeEach(async () => {
    hfHome = await mkdtemp(join(tmpdir(), "rh-hf-home-"));
    process.env.HF_HOME = hfHome;
    delete process.env.HF_HUB_OFFLINE;
    delete process.env.HF_HUB_CACHE;
    hub.log.length = 0;
  });

  it("downloads a repo once into HF_HOME/hub, then loads it offline from the cache", async () => {
    const online = await loadReranker(REPO);
    const snapshot = join(hfHome, "hub", "models--cross-encoder--fake-bm25", "snapshots", COMMIT);
    expect(online.files.modelPath).toBe(join(snapshot, "onnx", "model.onnx"));
    expect(await readFile(join(hfHome, "hub", "models--cross-encoder--fake-bm25", "refs", "main"), "utf8")).toBe(COMMIT);
    const scores = (await online.score(SEED.query, [...SEED.documents])).scores;
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
    await online.close();
    const fetched = hub.log.length;
    expect(
      hub.log
        .filter((l) => l.status === 200)
        .map((l) => l.path.split("/main/")[1])
        .sort(),
    ).toEqual([...FILES].sort());

    // Cached: a second load makes no request at all, also with HF_HUB_OFFLINE=1.
    const again = await loadReranker(REPO);
    await again.close();
    process.env.HF_HUB_OFFLINE = "1";
    const offline = await loadReranker(REPO);
    expect((await offline.score(SEED.query, [...SEED.documents])).scores).toEqual(scores);
    await offline.close();
    expect(hub.log.length).toBe(fetched);
  });

  it("fails clearly when offline and not cached", async () => {
    process.env.HF_HUB_OFFLINE = "1";
    await expect(loadReranker(REPO)).rejects.toThrow(ModelNotCachedError);
    await expect(loadReranker(REPO)).rejects.toThrow(/HF_HUB_OFFLINE/);
    expect(hub.log).toHaveLength(0);
  });

  it("fails clearly when the hub is unreachable and the model is not cached", async () => {
    const saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = "http://127.0.0.1:9"; // discard port: connection refused
    try {
      await expect(loadReranker(REPO)).rejects.toThrow(ModelNotCachedError);
    } finally {
      process.env.HF_ENDPOINT = saved;
    }
  });

  it("resumes an interrupted download with a Range request", async () => {
    const repoDir = join(hfHome, "hub", "models--cross-encoder--fake-bm25");
    const model = files.get("onnx/model.onnx")!;
    await mkdir(join(repoDir, "refs"), { recursive: true });
    await writeFile(join(repoDir, "refs", "main"), COMMIT);
    await mkdir(join(repoDir, "snapshots", COMMIT, "onnx"), { recursive: true });
    const half = Math.floor(model.length / 2);
    await writeFile(join(repoDir, "snapshots", COMMIT, "onnx", "model.onnx.incomplete"), model.subarray(0, half));

    const reranker = await loadReranker(REPO);
    await reranker.close();
    const modelRequest = hub.log.find((l) => l.path.endsWith("onnx/model.onnx"));
    expect(modelRequest).toEqual({ path: `/${REPO}/resolve/main/onnx/model.onnx`, range: `bytes=${half}-`, status: 206 });
    expect(Buffer.compare(await readFile(reranker.files.modelPath), model)).toBe(0);
  });

  it("reports a repo without ONNX weights", async () => {
    files.delete("onnx/model.onnx");
    try {
      await expect(loadReranker(REPO)).rejects.toThrow(ModelNotFoundError);
      expect(hub.log.map((l) => l.path.split("/main/")[1])).toContain("model.onnx");
    } finally {
      files.set("onnx/model.onnx", await readFile(join(await fixtureModelDir("bm25"), "onnx", "model.onnx")));
    }
  });
});
