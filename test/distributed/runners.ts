import type { IncomingMessage, ServerResponse } from "node:http";
import { runLoad } from "../../src/load/run.js";
import type { LoadOptions, LoadReport } from "../../src/load/run.js";
import type { TargetsFile } from "../../src/load/targets.js";
import { targetAt, vllmBody, type Reply } from "../load/servers.js";

// One server whose latency each runner picks through its path (`/v1/rerank?delay=MS`): several
// "machines" hit the same endpoint, one of them slow, and their reports stay mergeable.

export function delayFromQuery(): Reply {
  return (req: IncomingMessage, res: ServerResponse) => {
    const delay = Number(new URL(req.url ?? "/", "http://x").searchParams.get("delay") ?? 0);
    setTimeout(() => {
      const body = vllmBody();
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
    }, delay);
  };
}

export const TARGETS: TargetsFile = {
  source: "test",
  achieved_rate_tolerance: 0.2,
  scenarios: [{ docs: 10, rps: 40, p95_ms: 5_000 }],
};

/** One `load` runner: open loop at `rate` against the server with `delayMs` of latency. */
export function runner(url: string, delayMs: number, extra: Partial<LoadOptions> = {}): Promise<LoadReport> {
  return runLoad(targetAt(url), {
    docs: [10],
    rate: 40,
    durationMs: 1_500,
    warmupMs: 0,
    targets: TARGETS,
    targetsSource: "test-targets.json",
    path: `/v1/rerank?delay=${delayMs}`,
    ...extra,
  });
}
