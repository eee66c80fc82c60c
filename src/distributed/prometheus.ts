import { request } from "undici";
import { newHistogram } from "../load/histogram.js";
import type { TargetsFile } from "../load/targets.js";
import { DistributedInputError, NoSamplesError } from "./errors.js";
import { judgeRun, type ScenarioAggregate } from "./judge-run.js";
import { recordBuckets } from "./native-histogram.js";
import { METRIC } from "./remote-write/metrics.js";
import { unionMs } from "./windows.js";
import type { LoadReport } from "../load/report.js";

// `verdict --prometheus URL --testid ID`: reads what every runner wrote (k6's
// experimental-prometheus-rw output or `load --out prometheus-rw`) through the HTTP API and
// judges the run as one. Each series is cumulative over its runner's run, so its last sample is
// that runner's whole run; the runners' native histograms are added bucket by bucket.

export interface PrometheusVerdictOptions {
  url: string;
  testid: string;
  /** How far back to look for the run's samples. */
  lookbackS: number;
  targets: TargetsFile;
  targetsSource: string;
  maxErrorRate: number;
  timeoutMs: number;
}

interface RawSeries {
  metric: Record<string, string>;
  values?: Array<[number, string]>;
  histograms?: Array<[number, { count: string; sum: string; buckets?: Array<[number, string, string, string]> }]>;
}

/** One range-selector query: every raw sample of the matching series in the lookback. */
async function rawSeries(o: PrometheusVerdictOptions, metric: string, extra = ""): Promise<RawSeries[]> {
  const selector = `${metric}{testid=${JSON.stringify(o.testid)}${extra}}[${Math.ceil(o.lookbackS)}s]`;
  const url = new URL("api/v1/query", o.url.endsWith("/") ? o.url : `${o.url}/`);
  url.searchParams.set("query", selector);
  let status: number;
  let text: string;
  try {
    const res = await request(url, { method: "GET", headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, signal: AbortSignal.timeout(o.timeoutMs) });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw new DistributedInputError(`Prometheus at ${o.url} did not answer: ${(err as Error).message}`);
  }
  let json: { status?: string; error?: string; data?: { resultType?: string; result?: RawSeries[] } };
  try {
    json = JSON.parse(text);
  } catch {
    throw new DistributedInputError(`Prometheus at ${o.url} answered HTTP ${status} with no JSON (is it the Prometheus base URL?)`);
  }
  if (json.status !== "success") throw new DistributedInputError(`Prometheus at ${o.url} refused ${selector}: ${json.error ?? `HTTP ${status}`}`);
  return json.data?.result ?? [];
}

const last = <T>(xs: T[] | undefined): T | undefined => (xs && xs.length > 0 ? xs[xs.length - 1] : undefined);
const lastValue = (s: RawSeries): number => Number(last(s.values)?.[1] ?? 0);

export async function prometheusVerdict(o: PrometheusVerdictOptions): Promise<LoadReport> {
  const [durations, reqs, dropped, valid, okInWindow, windowStart, windowSeconds, offered] = await Promise.all([
    rawSeries(o, METRIC.duration, `,expected_response="true"`),
    rawSeries(o, METRIC.reqs),
    rawSeries(o, METRIC.dropped),
    rawSeries(o, METRIC.valid),
    rawSeries(o, METRIC.okInWindow),
    rawSeries(o, METRIC.windowStart),
    rawSeries(o, METRIC.windowSeconds),
    rawSeries(o, METRIC.offered),
  ]);
  if (durations.length === 0 && reqs.length === 0) {
    throw new NoSamplesError(
      `testid ${o.testid}: Prometheus at ${o.url} has no ${METRIC.reqs} or ${METRIC.duration} samples in the last ${o.lookbackS} s: nothing to judge (a run without samples never passes)`,
    );
  }
  const scenarioOf = (s: RawSeries): string => s.metric["scenario"] ?? "default";
  const runnerOf = (s: RawSeries): string => s.metric["instance"] ?? "(no instance label)";
  const names = [...new Set([...durations, ...reqs].map(scenarioOf))].sort();
  const runners = [...new Set([...durations, ...reqs].map(runnerOf))].sort();
  const notes: string[] = [];
  let ratio = 1;
  const aggregates: ScenarioAggregate[] = names.map((name) => {
    const of = (xs: RawSeries[]): RawSeries[] => xs.filter((s) => scenarioOf(s) === name);
    const latency = newHistogram();
    let ok = 0;
    for (const s of of(durations)) {
      const h = last(s.histograms)?.[1];
      if (!h) continue;
      ok += Number(h.count);
      const buckets = (h.buckets ?? []).map(([, lower, upper, count]) => ({ lower: Number(lower), upper: Number(upper), count: Number(count) }));
      for (const b of buckets) if (b.lower > 0) ratio = Math.max(ratio, b.upper / b.lower);
      recordBuckets(latency, buckets);
    }
    const statusCounts: Record<string, number> = {};
    let requests = 0;
    for (const s of of(reqs)) {
      const n = lastValue(s);
      requests += n;
      const st = s.metric["status"] ?? "0";
      statusCounts[st] = (statusCounts[st] ?? 0) + n;
    }
    // Windows: the harness writes each runner's; for k6, the span of its request samples.
    const windows: Array<readonly [number, number]> = [];
    const starts = of(windowStart);
    if (starts.length > 0) {
      for (const s of starts) {
        const len = of(windowSeconds).find((w) => runnerOf(w) === runnerOf(s));
        const a = lastValue(s) * 1000;
        windows.push([a, a + (len ? lastValue(len) : 0) * 1000]);
      }
    } else {
      for (const s of of(reqs)) {
        const v = s.values ?? [];
        if (v.length > 0) windows.push([v[0]![0] * 1000, v[v.length - 1]![0] * 1000]);
      }
      notes.push(`${name}: no measured-window series (a k6 run): the achieved rate is over the span of the request samples (± one push interval)`);
    }
    const okWin = of(okInWindow);
    const offeredSeries = of(offered);
    const answered = of(reqs).reduce((t, s) => t + lastValue(s), 0);
    const validSeries = of(valid);
    return {
      name,
      latency,
      requests,
      ok,
      dropped: of(dropped).reduce((t, s) => t + lastValue(s), 0),
      statusCounts,
      windows,
      okInWindow: okWin.length > 0 ? okWin.reduce((t, s) => t + lastValue(s), 0) : ok,
      offeredRps:
        offeredSeries.length > 0
          ? overUnion(
              offeredSeries.map((s) => [lastValue(s), windowLengthS(s, of(windowSeconds), runnerOf)]),
              windows,
            )
          : null,
      ...(validSeries.length > 0 && answered > 0 ? { validShare: weightedValid(validSeries, of(reqs), runnerOf) } : {}),
    };
  });
  const schemaPct = ((ratio - 1) / (ratio + 1)) * 100;
  // HdrHistogram on the way in (load) and on the way out (here): 0.1% each.
  const errorPct = Math.ceil((schemaPct + 0.2) * 100) / 100;
  notes.push(
    `latency from native histograms with buckets ×${ratio.toFixed(4)} wide: a percentile is within ${schemaPct.toFixed(2)}% of its bucket's point, plus 0.2% for HdrHistogram`,
  );
  return judgeRun(aggregates, {
    label: `prometheus ${o.url} testid=${o.testid}`,
    targets: o.targets,
    targetsSource: o.targetsSource,
    maxErrorRate: o.maxErrorRate,
    testid: o.testid,
    source: { kind: "prometheus", runners: runners.length, runner_names: runners, testid: o.testid, percentile_error_pct: errorPct },
    notes,
  });
}

function windowLengthS(s: RawSeries, lengths: RawSeries[], runnerOf: (s: RawSeries) => string): number {
  const len = lengths.find((w) => runnerOf(w) === runnerOf(s));
  return len ? lastValue(len) : 0;
}

/** The run-wide offered rate: each runner's rate × its window, over the union of the windows. */
function overUnion(rates: Array<[number, number]>, windows: Array<readonly [number, number]>): number {
  const unionS = unionMs(windows) / 1000;
  const scheduled = rates.reduce((t, [rate, s]) => t + rate * s, 0);
  return unionS > 0 ? Math.round((scheduled / unionS) * 1000) / 1000 : rates.reduce((t, [r]) => t + r, 0);
}

/** rerank_valid is a rate per runner: weight each by that runner's requests. */
function weightedValid(valid: RawSeries[], reqs: RawSeries[], runnerOf: (s: RawSeries) => string): number {
  let num = 0;
  let den = 0;
  for (const v of valid) {
    const n = reqs.filter((r) => runnerOf(r) === runnerOf(v)).reduce((t, r) => t + lastValue(r), 0) || 1;
    num += lastValue(v) * n;
    den += n;
  }
  return den === 0 ? 0 : num / den;
}
