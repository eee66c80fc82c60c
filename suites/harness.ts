import { afterAll, beforeAll, describe, inject, test } from "vitest";
import type * as Api from "../src/checks/suite-api.js";
import type {} from "../src/checks/provided.js";

/**
 * Declares one area's checks as concurrent tests named by check id. The logic lives in
 * src/checks; a test only runs its check and records the outcome on task.meta.
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
    for (const check of checks) {
      test.concurrent(
        check.id,
        async ({ task, skip }) => {
          const outcome = await api.executeCheck(check, ctx!);
          task.meta.outcome = outcome;
          if (outcome.status === "skip") skip(outcome.message);
          if (outcome.status === "fail") throw new Error(api.formatFailure(outcome));
        },
        check.budgetMs?.(target),
      );
    }
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
