// @ts-nocheck
import { assertCount, assertSameScores, fail, scoresByIndex } from "../assert.js";
import { GRADED } from "../data.js";
import type { CheckDefinition } from "../types.js";

export const pathChecks: CheckDefinition[] = [
  {
    id: "paths.aliases",
    area: "paths",
    level: "MUST",
    statement: "Every documented rerank path answers the same request alike: same status, same ranking, same scores.",
    source: (d) => `${d.title} serves ${d.paths.join(", ")} (CONTRACTS.md §8 'Path' row); vllm#14693, BerriAI/litellm#14937`,
    skipReason: (d) => (d.paths.length > 1 ? null : `${d.title} documents one rerank path`),
    async run(ctx) {
      const [canonical, ...aliases] = ctx.dialect.paths;
      const base = await ctx.rerankOk(GRADED, { path: canonical, label: canonical });
      const order = base.output.results.map((x) => x.index).join(",");
      for (const path of aliases) {
        const r = await ctx.rerankOk(GRADED, { path, label: path });
        const ev = [base.evidence, r.evidence];
        assertCount(r.output, base.output.results.length, `${path} vs ${canonical}`, ev);
        const got = r.output.results.map((x) => x.index).join(",");
        if (got !== order) {
          // A different order is only a fault if the scores say so; ties may order either way.
          assertSameScores(`${path} instead of ${canonical}`, scoresByIndex(base.output), scoresByIndex(r.output), ev);
          const tiesExplain = base.output.results.every((x, i) => r.output.results[i]?.score === x.score);
          if (!tiesExplain) fail(`${path} ranks ${got}; ${canonical} ranks ${order}`, ev);
        }
        assertSameScores(`${path} instead of ${canonical}`, scoresByIndex(base.output), scoresByIndex(r.output), ev);
      }
    },
  },
];
