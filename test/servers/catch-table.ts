/**
 * Regenerates the catch-rate table in docs/verification.md: a full `check` run (every check, --fuzz 20)
 * against each faulty server. `npx tsx test/servers/catch-table.ts` (about a minute).
 */
import { ConformanceSession } from "../../src/checks/run.js";
import { CAUGHT_BY } from "./expectations.js";
import { asTarget } from "./target.js";
import { FAULTS, startVllmLikeServer, type Fault } from "./vllm-like.js";

const session = new ConformanceSession();
const rows: string[] = [];
let caught = 0;
let caughtStrict = 0;
try {
  for (const fault of Object.keys(FAULTS) as Fault[]) {
    const server = await startVllmLikeServer({ fault });
    try {
      const report = await session.run(asTarget(server, fault), { timeoutMs: 5_000, fuzz: 20 });
      const id = CAUGHT_BY[fault];
      const outcome = report.checks.find((o) => o.id === id)!;
      const others = report.checks.filter((o) => o.id !== id && o.status === "fail").length;
      if (!report.passed) caught++;
      if (!report.passed || outcome.status === "warn") caughtStrict++;
      const status = outcome.status === "warn" ? "warn (fail with `--strict`)" : outcome.status;
      rows.push(`| \`${fault}\` | ${FAULTS[fault]} | \`${id}\` | ${status} | ${others} | ${report.passed ? 0 : 1} |`);
    } finally {
      await server.close();
    }
  }
} finally {
  await session.close();
}
process.stdout.write(
  [
    "| fault | what the server does | meant to be caught by | that check | other checks failed | exit |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    `Caught (exit 1): ${caught}/${rows.length}; with --strict: ${caughtStrict}/${rows.length}.`,
    "",
  ].join("\n"),
);
