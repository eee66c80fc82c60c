import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { newHistogram, recordMs, type Histogram } from "../load/histogram.js";
import type { LoadReport } from "../load/report.js";
import type { TargetsFile } from "../load/targets.js";
import { DistributedInputError, NoSamplesError } from "./errors.js";
import { judgeRun, type ScenarioAggregate } from "./judge-run.js";
import { HDR_ERROR_PCT } from "./merge.js";

// `verdict --k6-json FILE…`: k6's `--out json` output, one file per runner, gzipped or not. Its
// documented format (grafana/k6 output/json, "Point" lines): {"type":"Point","metric":NAME,
// "data":{"time":ISO,"value":N,"tags":{...}}}. Every http_req_duration sample (ms) goes into an
// HdrHistogram, so the percentiles are exact to HdrHistogram's 0.1%, as `load`'s are.

interface Partial {
  latency: Histogram;
  requests: number;
  ok: number;
  dropped: number;
  statusCounts: Record<string, number>;
  valid: [number, number];
  /** Per file: first and last request time (epoch ms). */
  windows: Map<string, [number, number]>;
}

interface PointLine {
  type?: string;
  metric?: string;
  data?: { time?: string; value?: number; tags?: Record<string, string> | null };
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

export interface K6JsonOptions {
  files: string[];
  targets: TargetsFile;
  targetsSource: string;
  maxErrorRate: number;
  testid?: string;
}

export async function k6JsonVerdict(o: K6JsonOptions): Promise<LoadReport> {
  const byScenario = new Map<string, Partial>();
  const get = (name: string): Partial => {
    let p = byScenario.get(name);
    if (!p) byScenario.set(name, (p = { latency: newHistogram(), requests: 0, ok: 0, dropped: 0, statusCounts: {}, valid: [0, 0], windows: new Map() }));
    return p;
  };
  let skippedOtherTestids = 0;
  for (const file of o.files) {
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await isGzip(file)) ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
    } catch (err) {
      throw new DistributedInputError(`${file}: cannot read it: ${(err as Error).message}`);
    }
    let lineNo = 0;
    try {
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        lineNo++;
        if (line.trim() === "") continue;
        let p: PointLine;
        try {
          p = JSON.parse(line) as PointLine;
        } catch {
          throw new DistributedInputError(`${file}:${lineNo}: not a JSON line (k6 --out json writes one object per line)`);
        }
        if (p.type !== "Point" || !p.data || typeof p.data.value !== "number") continue;
        const tags = p.data.tags ?? {};
        if (o.testid !== undefined && tags["testid"] !== undefined && tags["testid"] !== o.testid) {
          skippedOtherTestids++;
          continue;
        }
        const s = get(tags["scenario"] ?? "default");
        const v = p.data.value;
        switch (p.metric) {
          case "http_req_duration":
            if (tags["expected_response"] !== "false") {
              s.ok++;
              recordMs(s.latency, v);
            }
            break;
          case "http_reqs": {
            s.requests += v;
            const st = tags["status"] ?? "0";
            s.statusCounts[st] = (s.statusCounts[st] ?? 0) + v;
            const t = Date.parse(p.data.time ?? "");
            if (Number.isFinite(t)) {
              const w = s.windows.get(file);
              s.windows.set(file, w ? [Math.min(w[0], t), Math.max(w[1], t)] : [t, t]);
            }
            break;
          }
          case "dropped_iterations":
            s.dropped += v;
            break;
          case "rerank_valid":
            s.valid[0] += v;
            s.valid[1]++;
            break;
        }
      }
    } catch (err) {
      if (err instanceof DistributedInputError) throw err;
      throw new DistributedInputError(`${file}: cannot read it: ${(err as Error).message}`);
    }
  }
  const scenarios = [...byScenario.entries()].filter(([, p]) => p.requests > 0 || p.ok > 0);
  if (scenarios.length === 0) {
    throw new NoSamplesError(
      `${o.files.join(", ")}: no http_reqs or http_req_duration samples${o.testid ? ` tagged testid=${o.testid}` : ""}: nothing to judge (a run without samples never passes)`,
    );
  }
  const aggregates: ScenarioAggregate[] = scenarios
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, p]) => ({
      name,
      latency: p.latency,
      requests: p.requests,
      ok: p.ok,
      dropped: p.dropped,
      statusCounts: p.statusCounts,
      windows: [...p.windows.values()],
      okInWindow: p.ok,
      offeredRps: null,
      ...(p.valid[1] > 0 ? { validShare: p.valid[0] / p.valid[1] } : {}),
    }));
  const notes = [
    "achieved rate: successful requests over the span of each runner's request samples (k6 JSON has no measured-window marker)",
    ...(skippedOtherTestids > 0 ? [`${skippedOtherTestids} samples of other testids left out`] : []),
  ];
  return judgeRun(aggregates, {
    label: `k6 json (${o.files.length} file${o.files.length === 1 ? "" : "s"})`,
    targets: o.targets,
    targetsSource: o.targetsSource,
    maxErrorRate: o.maxErrorRate,
    ...(o.testid ? { testid: o.testid } : {}),
    source: { kind: "k6-json", runners: o.files.length, runner_names: o.files, ...(o.testid ? { testid: o.testid } : {}), percentile_error_pct: HDR_ERROR_PCT },
    notes,
  });
}
