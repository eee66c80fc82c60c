import { decodeHistogram, type Histogram } from "./histogram.js";
import { HarnessError } from "../util/errors.js";
import { DEFAULT_MAX_REGRESSION_PCT } from "./options.js";
import { LoadReport, type BaselineComparison, type BaselineMetric, type BaselineScenario, type Capacity, type ScenarioResult } from "./report.js";

// `load --baseline FILE`: this run against an earlier --json report, scenario by scenario.
//
// A metric regresses when it is worse by more than --max-regression AND by more than the noise
// the two runs' own recordings show. The noise of a percentile comes from its order statistic:
// in n latencies the rank of the true q-quantile is Binomial(n, q), so the values recorded at
// ranks n·q ± 1.96·√(n·q·(1−q)) bound it with about 95% confidence, whatever the distribution
// (the distribution-free interval for a quantile; read exactly from the stored HdrHistogram
// counts, no resampling). A change counts only when the two intervals do not overlap, which is
// stricter than 95%: a CI gate should not cry wolf. An achieved rate is a count over the window;
// its interval is ±1.96·√count (Poisson). A find-max capacity is known to within its search's
// bracket [max_rps, failed_rps]. Improvements are judged the same way, mirrored.

export { DEFAULT_MAX_REGRESSION_PCT };
const Z95 = 1.96;

export class BaselineFileError extends HarnessError {
  readonly code = "RH_BASELINE_FILE";
  readonly kind = "usage";
}

/** Parses an earlier `load --json` report; `where` names it in the one-line error. */
export function parseBaselineReport(text: string, where: string): LoadReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BaselineFileError(`--baseline ${where}: not JSON (${(err as Error).message})`);
  }
  const parsed = LoadReport.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BaselineFileError(`--baseline ${where}: not a load --json report (${issue.path.join(".") || "(root)"}: ${issue.message})`);
  }
  for (const s of parsed.data.scenarios) {
    try {
      decodeHistogram(s.histograms.latency_us);
    } catch {
      throw new BaselineFileError(`--baseline ${where}: scenario ${s.name}: histograms.latency_us is not an HdrHistogram`);
    }
  }
  return parsed.data;
}

export interface Interval {
  value: number;
  lo: number;
  hi: number;
}

/** The value (ms) recorded at 1-based rank k of n. */
function atRank(h: Histogram, k: number): number {
  // getValueAtPercentile returns the value of rank ceil(p·n/100): aim mid-rank to dodge rounding.
  return h.getValueAtPercentile(((k - 0.5) / h.totalCount) * 100) / 1000;
}

/** The q-quantile (0 < q < 1) of a latency histogram with its distribution-free 95% interval, in ms. */
export function quantileInterval(h: Histogram, q: number): Interval {
  const n = h.totalCount;
  const sd = Math.sqrt(n * q * (1 - q));
  const lo = Math.max(1, Math.floor(n * q - Z95 * sd));
  const hi = Math.min(n, Math.ceil(n * q + Z95 * sd) + 1);
  return { value: h.getValueAtPercentile(q * 100) / 1000, lo: atRank(h, lo), hi: atRank(h, hi) };
}

/** A rate measured as a count over `durationS`, with a Poisson 95% interval. */
export function rateInterval(rate: number, durationS: number): Interval {
  const half = (Z95 * Math.sqrt(Math.max(0, rate * durationS))) / durationS;
  return { value: rate, lo: Math.max(0, rate - half), hi: rate + half };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Judges one metric. `higherIsWorse` for latency; a rate is worse when lower.
 * Regressed: worse by more than the threshold and the intervals are apart.
 */
export function judgeMetric(metric: BaselineMetric["metric"], base: Interval, now: Interval, maxRegressionPct: number, higherIsWorse: boolean): BaselineMetric {
  const change = base.value === 0 ? null : ((now.value - base.value) / base.value) * 100;
  const worse = change !== null && (higherIsWorse ? change > maxRegressionPct : change < -maxRegressionPct);
  const better = change !== null && (higherIsWorse ? change < -maxRegressionPct : change > maxRegressionPct);
  const apart = now.lo > base.hi || now.hi < base.lo;
  return {
    metric,
    baseline: round3(base.value),
    current: round3(now.value),
    change_pct: change === null ? null : Math.round(change * 10) / 10,
    baseline_ci: [round3(base.lo), round3(base.hi)],
    current_ci: [round3(now.lo), round3(now.hi)],
    verdict: worse && apart ? "regressed" : better && apart ? "improved" : "same",
  };
}

const QUANTILES = [
  ["p50_ms", 0.5],
  ["p95_ms", 0.95],
  ["p99_ms", 0.99],
] as const;

function compareScenario(now: ScenarioResult, base: ScenarioResult, maxRegressionPct: number): BaselineMetric[] {
  const metrics: BaselineMetric[] = [];
  const hNow = decodeHistogram(now.histograms.latency_us);
  const hBase = decodeHistogram(base.histograms.latency_us);
  for (const [metric, q] of QUANTILES) {
    if (hNow.totalCount === 0 || hBase.totalCount === 0) {
      metrics.push(notCompared(metric, "no successful requests to compare"));
      continue;
    }
    metrics.push(judgeMetric(metric, quantileInterval(hBase, q), quantileInterval(hNow, q), maxRegressionPct, true));
  }
  const sameLoad = now.mode === base.mode && now.offered_rps === base.offered_rps && now.concurrency === base.concurrency;
  if (!sameLoad) {
    const load = (s: ScenarioResult) => (s.mode === "open" ? `${s.offered_rps} req/s offered` : `${s.concurrency} users`);
    metrics.push({
      ...notCompared("achieved_rps", `different load: ${load(base)} then, ${load(now)} now`),
      baseline: base.achieved_rps,
      current: now.achieved_rps,
    });
  } else {
    metrics.push(
      judgeMetric("achieved_rps", rateInterval(base.achieved_rps, base.duration_s), rateInterval(now.achieved_rps, now.duration_s), maxRegressionPct, false),
    );
  }
  return metrics;
}

function notCompared(metric: BaselineMetric["metric"], note: string): BaselineMetric {
  return { metric, baseline: 0, current: 0, change_pct: null, baseline_ci: [0, 0], current_ci: [0, 0], verdict: "not_compared", note };
}

/** A find-max capacity, known to within [max_rps, failed_rps]. */
function capacityInterval(c: Capacity): Interval | undefined {
  if (c.max_rps === null) return undefined;
  return { value: c.max_rps, lo: c.max_rps, hi: c.failed_rps ?? c.max_rps };
}

/** Every scenario of `now` against the baseline scenario of the same name. */
export function compareWithBaseline(now: LoadReport, base: LoadReport, options: { file: string; maxRegressionPct?: number }): BaselineComparison {
  const maxRegressionPct = options.maxRegressionPct ?? DEFAULT_MAX_REGRESSION_PCT;
  const scenarios: BaselineScenario[] = now.scenarios.map((s) => {
    const b = base.scenarios.find((x) => x.name === s.name);
    if (!b) return { name: s.name, verdict: "missing", metrics: [], baseline_distribution: [], note: `the baseline has no scenario ${s.name}` };
    const metrics = compareScenario(s, b, maxRegressionPct);
    const capNow = now.capacity?.find((c) => c.scenario === s.name);
    const capBase = base.capacity?.find((c) => c.scenario === s.name);
    if (capNow && capBase) {
      const [i, j] = [capacityInterval(capBase), capacityInterval(capNow)];
      metrics.push(i && j ? judgeMetric("max_rps", i, j, maxRegressionPct, false) : notCompared("max_rps", "no passing rate on one side"));
    }
    const verdict = metrics.some((m) => m.verdict === "regressed") ? "regressed" : metrics.some((m) => m.verdict === "improved") ? "improved" : "same";
    return { name: s.name, verdict, metrics, baseline_distribution: b.distribution };
  });
  return {
    file: options.file,
    baseline_started_at: base.started_at,
    baseline_target: base.target,
    max_regression_pct: maxRegressionPct,
    regressed: scenarios.some((s) => s.verdict === "regressed"),
    scenarios,
  };
}

const UNIT: Record<BaselineMetric["metric"], string> = { p50_ms: "ms", p95_ms: "ms", p99_ms: "ms", achieved_rps: "req/s", max_rps: "req/s" };
const LABEL: Record<BaselineMetric["metric"], string> = { p50_ms: "p50", p95_ms: "p95", p99_ms: "p99", achieved_rps: "achieved", max_rps: "capacity" };

const short = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** "p95 10.2 ms → 20.4 ms (+100.0%)" */
export function describeChange(m: BaselineMetric): string {
  const sign = m.change_pct !== null && m.change_pct > 0 ? "+" : "";
  const change = m.change_pct === null ? "n/a" : `${sign}${m.change_pct.toFixed(1)}%`;
  return `${LABEL[m.metric]} ${short(m.baseline)} ${UNIT[m.metric]} → ${short(m.current)} ${UNIT[m.metric]} (${change})`;
}

export function metricLabel(m: BaselineMetric["metric"]): string {
  return `${LABEL[m]} ${UNIT[m]}`;
}
