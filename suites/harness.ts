import { afterAll, beforeAll, describe, inject, test } from "vitest";
import type * as Api from "../src/checks/suite-api.js";
import type {} from "../src/checks/provided.js";

/**
 * Declares one area's checks as tests (src/checks/register.ts, shared with rerank-harness/vitest).
 * The known faults are applied afterwards, by the runner (checks/run.ts), with the user's own list.
 */
export async function defineAreaSuite(area: Api.CheckArea): Promise<void> {
  const { target, checksModule } = inject("rerankHarness");
  const api = await loadApi(checksModule);
  const checks = api.checksForArea(area, target.only);
  let ctx: Api.CheckContext | undefined;
  beforeAll(() => {
    ctx = new api.CheckContext(target);
  });
  afterAll(async () => {
    await ctx?.close();
  });
  describe(area, () => {
    api.registerChecks(checks, { context: () => ctx, strict: target.strict, budgetTarget: target });
    if (checks.length === 0) test.skip(`${area}: no check selected`, () => {});
  });
}

/**
 * The checks module, loaded once per worker: vitest re-evaluates inlined modules on every
 * run, which costs about a second per target when one process checks many (the worker and
 * its globalThis persist because the suites run with isolate: false).
 */
async function loadApi(url: string): Promise<typeof Api> {
  const cache = ((globalThis as { __rerankHarnessApi?: Map<string, Promise<typeof Api>> }).__rerankHarnessApi ??= new Map());
  let api = cache.get(url);
  if (!api) {
    api = import(/* @vite-ignore */ url) as Promise<typeof Api>;
    cache.set(url, api);
  }
  return api;
}
