import { createRequire } from "node:module";
import { TargetStartError } from "../targets/target.js";

/**
 * The two heavy run-time dependencies are optional peers, so `npm install rerank-harness` runs
 * no install script and downloads nothing but registry packages: onnxruntime-node's postinstall
 * fetches CUDA libraries on Linux x64, and testcontainers pulls ssh2/dockerode with native
 * builds. Each is loaded in one place (testcontainers in targets/testcontainers.ts, kept apart so
 * the library's type declarations never name it) and only when a target needs it.
 */
export class MissingDependencyError extends TargetStartError {
  readonly missing = true;
}

const require = createRequire(import.meta.url);

/** Path of onnxruntime-node for the inference worker (the embedded reference and `serve`). */
export function resolveOnnxruntime(): string {
  try {
    return require.resolve("onnxruntime-node");
  } catch {
    throw new MissingDependencyError(
      "the embedded reference needs onnxruntime-node, which is not installed (an optional peer dependency): " +
        "run `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1` (the variable skips its CUDA download; " +
        "the CPU runtime ships inside the package), or check a URL, process or container target instead",
    );
  }
}
