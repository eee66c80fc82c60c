import { afterAll, beforeAll, describe, inject, test } from "vitest";
import type * as Api from "../src/checks/suite-api.js";
import type {} from "../src/checks/provided.js";

/**
 * Declares one area's checks as concurrent tests named by check id. The logic lives in
 * src/checks; a test only runs its check and records the outcome on task.meta.
 */
export async function defineAreaSuite(area: Api.CheckArea): Promise<void> {
  const { target, checksModule } = inject("rerankHarness");
  const api = (await import(/* @vite-ignore */ checksModule)) as typeof Api;
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
      test.concurrent(check.id, async ({ task, skip }) => {
        const outcome = await api.executeCheck(check, ctx!);
        task.meta.outcome = outcome;
        if (outcome.status === "skip") skip(outcome.message);
        if (outcome.status === "fail") throw new Error(api.formatFailure(outcome));
      });
    }
    if (checks.length === 0) test.skip(`${area}: no check selected`, () => {});
  });
}
