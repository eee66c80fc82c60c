import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
// @ts-expect-error: a plain .mjs build script without declarations
import { buildK6 } from "../../../scripts/build-k6.mjs";

// Builds the k6 bundles into a temp dir and loads them in Node with small stand-ins for k6's
// modules, so options, the VU function and handleSummary run for real.

export async function buildBundles(outdir: string): Promise<Record<"rerank-load" | "rerank-smoke", string>> {
  const files: string[] = await buildK6({ outdir });
  return { "rerank-load": files[0]!, "rerank-smoke": files[1]! };
}

/** Every module a bundle imports (static, dynamic or require), found by esbuild's parser. */
export async function importsOf(bundle: string): Promise<string[]> {
  const r = await build({ entryPoints: [bundle], bundle: true, write: false, metafile: true, external: ["*"], platform: "neutral", logLevel: "silent" });
  return Object.values(r.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
}

export interface StubHttpResponse {
  status: number;
  body: string | null;
  /** k6's `res.error_code` / `res.error` for a failed transport (1050: timeout). */
  error_code?: number;
  error?: string;
}

export interface K6Stub {
  env: Record<string, string>;
  scenario: { name: string; iterationInTest: number };
  posts: { url: string; body: string; params: { headers: Record<string, string>; tags: Record<string, string>; timeout?: number } }[];
  checks: { name: string; ok: boolean; tags?: Record<string, string> }[];
  /** Samples added to custom metrics (k6/metrics), by metric name. */
  samples?: { metric: string; value: number | boolean; tags?: Record<string, string> }[];
  server: (url: string, body: Record<string, unknown>, headers: Record<string, string>) => StubHttpResponse;
}

/** k6's open(): a directory is refused with k6's own words (internal/js/initcontext.go, v2.2.0). */
export function k6Open(p: string): string {
  let isDir = false;
  try {
    isDir = statSync(p).isDirectory();
  } catch (err) {
    throw new Error(`open ${p}: no such file or directory (${(err as NodeJS.ErrnoException).code})`);
  }
  if (isDir) throw new Error(`open() can't be used with directories, path: "${p}"`);
  return readFileSync(p, "utf8");
}

const STUBS: Record<string, string> = {
  "k6.mjs": `export function check(val, sets, tags) {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(typeof fn === "function" ? fn(val) : fn);
    globalThis.__k6stub.checks.push(tags && Object.keys(tags).length ? { name, ok, tags } : { name, ok });
    all = all && ok;
  }
  return all;
}`,
  "k6-http.mjs": `export default {
  post(url, body, params) {
    globalThis.__k6stub.posts.push({ url, body, params });
    return globalThis.__k6stub.server(url, JSON.parse(body), params.headers);
  },
};`,
  "k6-execution.mjs": `export default { get scenario() { return globalThis.__k6stub.scenario; } };`,
  "k6-metrics.mjs": `export class Rate {
  constructor(name) { this.name = name; }
  add(value, tags) { (globalThis.__k6stub.samples ??= []).push({ metric: this.name, value, tags }); }
}`,
};

let generation = 0;

// Node's own import(), out of reach of vitest's module transform: the bundles are plain ESM
// already, and transforming 350 kB per load would dominate the test time.
const nativeImport = createRequire(import.meta.url)("./native-import.cjs") as (url: string) => Promise<Record<string, unknown>>;

/** Loads a bundle with k6 rewritten to the stubs; `stub.env` is read once, at import. */
export async function loadWithStubs(bundle: string, dir: string, stub: K6Stub): Promise<Record<string, unknown>> {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(STUBS)) writeFileSync(path.join(dir, name), text);
  const rewritten = readFileSync(bundle, "utf8").replace(/from\s*"(k6(?:\/[\w-]+)?)"/g, (_, mod: string) => {
    const file = mod === "k6" ? "k6.mjs" : `${mod.replace("/", "-")}.mjs`;
    if (!(file in STUBS)) throw new Error(`no stub for ${mod}`);
    return `from "./${file}"`;
  });
  const file = path.join(dir, `${path.basename(bundle, ".js")}-${++generation}.mjs`);
  writeFileSync(file, rewritten);
  const g = globalThis as Record<string, unknown>;
  g.__k6stub = stub;
  g.__ENV = stub.env;
  g.__VU = 0;
  g.open = k6Open;
  return nativeImport(pathToFileURL(file).href);
}

/** A vLLM-shaped answer: documents ranked by words shared with the query, scores in (0, 1). */
export function fakeVllm(body: Record<string, unknown>): StubHttpResponse {
  const query = new Set(String(body.query).toLowerCase().split(/\W+/));
  const docs = body.documents as string[];
  const scored = docs.map((text, index) => ({
    index,
    text,
    score: text
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => query.has(w)).length,
  }));
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const topN = typeof body.top_n === "number" && body.top_n > 0 ? body.top_n : docs.length;
  const results = scored.slice(0, topN).map((r) => ({ index: r.index, relevance_score: r.score / (r.score + 1), document: { text: r.text } }));
  return { status: 200, body: JSON.stringify({ id: "rerank-1", model: "bm25", usage: { total_tokens: 100 }, results }) };
}

/** Sends the request for real, synchronously as k6 does, with curl. */
export function curlPost(url: string, body: Record<string, unknown>, headers: Record<string, string>): StubHttpResponse {
  const args = ["-s", "-X", "POST", "--data-binary", "@-", "-w", "\n%{http_code}", ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]), url];
  const r = spawnSync("curl", args, { input: JSON.stringify(body), encoding: "utf8", timeout: 30_000 });
  const cut = r.stdout.lastIndexOf("\n");
  return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
}

/**
 * Runs a bundle in a fresh V8 context that has only the ECMAScript built-ins (no URL,
 * TextEncoder, timers, Buffer or process), which is closer to what k6's engine offers than
 * Node is. k6's modules become the same stand-ins as above. Without `keepBigInt` the context
 * also loses BigInt, as in k6 before v0.54 (Sobek brought it, k6 "release notes/v0.54.0.md").
 */
export async function loadInBareContext(bundle: string, stub: K6Stub, { keepBigInt = false } = {}): Promise<Record<string, unknown>> {
  const { runInNewContext } = await import("node:vm");
  const cjs = await build({
    entryPoints: [bundle],
    bundle: true,
    write: false,
    format: "cjs",
    platform: "neutral",
    external: ["k6", "k6/*"],
    logLevel: "silent",
  });
  const k6 = {
    check(val: unknown, sets: Record<string, (v: unknown) => boolean>, tags?: Record<string, string>) {
      let all = true;
      for (const [name, fn] of Object.entries(sets)) {
        const ok = Boolean(fn(val));
        stub.checks.push({ name, ok, ...(tags && Object.keys(tags).length ? { tags } : {}) });
        all &&= ok;
      }
      return all;
    },
  };
  const modules: Record<string, unknown> = {
    k6,
    "k6/http": {
      __esModule: true,
      default: {
        post: (url: string, body: string, params: K6Stub["posts"][number]["params"]) => (
          stub.posts.push({ url, body, params }),
          stub.server(url, JSON.parse(body), params.headers)
        ),
      },
    },
    "k6/execution": {
      __esModule: true,
      default: {
        get scenario() {
          return stub.scenario;
        },
      },
    },
    "k6/metrics": {
      __esModule: true,
      Rate: class {
        constructor(readonly name: string) {}
        add(value: number | boolean, tags?: Record<string, string>) {
          (stub.samples ??= []).push({ metric: this.name, value, ...(tags ? { tags } : {}) });
        }
      },
    },
  };
  const module = { exports: {} as Record<string, unknown> };
  const sandbox = {
    module,
    exports: module.exports,
    require: (name: string) => {
      if (!(name in modules)) throw new Error(`bundle required ${name}`);
      return modules[name];
    },
    __ENV: stub.env,
    __VU: 0,
    open: k6Open,
    console: { log() {}, info() {}, warn() {}, error() {}, debug() {} },
  };
  const prelude = keepBigInt ? "" : "delete globalThis.BigInt;\n";
  runInNewContext(prelude + cjs.outputFiles[0]!.text, sandbox, { filename: path.basename(bundle) });
  return module.exports;
}
