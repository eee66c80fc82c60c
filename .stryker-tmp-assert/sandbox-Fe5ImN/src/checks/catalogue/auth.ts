// @ts-nocheck
import { evidenceOf } from "../evidence.js";
import { GRADED } from "../data.js";
import { CheckFailure, CheckSkip, type CheckDefinition, type Evidence } from "../types.js";

export const authChecks: CheckDefinition[] = [
  {
    id: "auth.required",
    area: "auth",
    level: "MUST",
    statement: "With an API key configured, a request without it or with a wrong one is refused (401/403).",
    source: (d) => `${d.title}: ${d.expectations.auth.statuses.join("/")} on ${d.expectations.auth.path} (CONTRACTS.md; Schemathesis ignored_auth)`,
    skipReason: () => null,
    async run(ctx) {
      if (!ctx.apiKey) throw new CheckSkip(`no API key in $${ctx.target.apiKeyEnv}: nothing to enforce`);
      const { statuses, path } = ctx.dialect.expectations.auth;
      const built = ctx.dialect.buildRequest({ ...GRADED, ...(ctx.model ? { model: ctx.model } : {}) }, path);
      const problems: string[] = [];
      const evidence: Evidence[] = [];
      for (const [label, auth] of [
        ["no Authorization header", false],
        ["a wrong bearer key", "Bearer rerank-harness-wrong-key"],
      ] as const) {
        const ex = await ctx.send({ method: "POST", path: built.path, json: built.body, auth }, label);
        // 401 or 403 both refuse; the dialect says which it documents.
        if (!statuses.includes(ex.status) && ex.status !== 401 && ex.status !== 403) {
          problems.push(`${label}: expected ${statuses.join(" or ")}, got ${ex.status}`);
          evidence.push(evidenceOf(ex, label));
        }
      }
      if (problems.length > 0) throw new CheckFailure(problems.join("; "), evidence);
    },
  },
];
