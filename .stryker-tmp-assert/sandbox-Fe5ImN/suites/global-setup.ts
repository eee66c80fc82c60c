// @ts-nocheck
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TestProject } from "vitest/node";
import type * as Api from "../src/checks/suite-api.js";

/** src/ when it is there (development), else the built dist/. */
export function checksModuleUrl(): string {
  const src = new URL("../src/checks/suite-api.ts", import.meta.url);
  if (existsSync(fileURLToPath(src))) return src.href;
  return pathToFileURL(fileURLToPath(new URL("../dist/src/checks/suite-api.js", import.meta.url))).href;
}

/**
 * `rerank-harness check` starts the target itself and provides it. Run standalone
 * (`npx vitest run --config suites/vitest.config.ts`), the suites start one here: the
 * embedded reference, or $RERANK_HARNESS_TARGET.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (project.getProvidedContext().rerankHarness) return;
  const checksModule = checksModuleUrl();
  const api = (await import(/* @vite-ignore */ checksModule)) as typeof Api;
  const { target, stop } = await api.startStandaloneTarget();
  project.provide("rerankHarness", { target, checksModule });
  return stop;
}
