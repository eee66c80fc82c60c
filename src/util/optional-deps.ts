import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { TargetStartError } from "./target-start-error.js";

/**
 * testcontainers is an optional peer (it pulls ssh2/dockerode with native builds), loaded in
 * targets/testcontainers.ts only when a container target needs it, kept apart so the library's
 * type declarations never name it.
 *
 * onnxruntime is resolved here, in one place, for the inference worker. A user's own
 * `onnxruntime-node` (an optional peer: a newer runtime, a GPU build) wins; otherwise the bundled
 * dependency `onnxruntime-node-cpu`, an npm alias of onnxruntime-node@1.17.0: the last release
 * without an install script (1.17.3 and later download CUDA libraries in a postinstall), so
 * `npm install rerank-harness` runs no script, downloads only registry tarballs, and the
 * embedded reference works at once on its bundled CPU runtime.
 */
export class MissingDependencyError extends TargetStartError {
  override readonly code = "RH_MISSING_DEPENDENCY";
  readonly missing = true;
}

export interface OnnxruntimeInfo {
  /** What the worker `require`s. */
  path: string;
  /** onnxruntime-node's own version (from its package.json). */
  version: string;
  /** "peer": the user's onnxruntime-node; "bundled": rerank-harness's 1.17.0 alias. */
  source: "peer" | "bundled";
}

const require = createRequire(import.meta.url);
const CANDIDATES = { peer: "onnxruntime-node", bundled: "onnxruntime-node-cpu" } as const;
let resolved: OnnxruntimeInfo | undefined;

/**
 * Which onnxruntime-node the embedded reference runs on. RERANK_HARNESS_ONNXRUNTIME=bundled or
 * =peer forces one (tests, and users comparing runtimes); unset tries the peer, then the bundled.
 */
export function resolveOnnxruntime(): OnnxruntimeInfo {
  const env = process.env.RERANK_HARNESS_ONNXRUNTIME;
  if (env && env !== "peer" && env !== "bundled") {
    throw new TargetStartError(`RERANK_HARNESS_ONNXRUNTIME=${env}: expected "peer" or "bundled"`);
  }
  const forced = env as OnnxruntimeInfo["source"] | undefined;
  if (resolved && (!forced || forced === resolved.source)) return resolved;
  const order: OnnxruntimeInfo["source"][] = forced ? [forced] : ["peer", "bundled"];
  for (const source of order) {
    let path: string;
    try {
      path = require.resolve(CANDIDATES[source]);
    } catch {
      continue;
    }
    const info: OnnxruntimeInfo = { path, version: packageVersion(path), source };
    resolved = info;
    return info;
  }
  throw new MissingDependencyError(
    forced === "peer"
      ? "RERANK_HARNESS_ONNXRUNTIME=peer, but onnxruntime-node is not installed: " +
          "run `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1` (the variable skips its CUDA download)"
      : "the embedded reference needs onnxruntime-node: its bundled copy, the optional dependency onnxruntime-node-cpu, is not installed " +
          "(npm skips it with --omit=optional, and where it has no binaries): reinstall rerank-harness without --omit=optional, " +
          "or run `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1`, or check a URL, process or container target instead",
  );
}

/** The runtime resolved so far, for start-up lines; undefined before the first session. */
export function onnxruntimeInUse(): OnnxruntimeInfo | undefined {
  return resolved;
}

export function describeOnnxruntime(info: OnnxruntimeInfo): string {
  return `onnxruntime-node ${info.version}${info.source === "bundled" ? ", bundled CPU runtime" : ""}`;
}

/** The version in the package.json above a resolved entry point (packages may not export it). */
function packageVersion(entry: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "onnxruntime-node" && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level
    }
  }
  return "unknown";
}
