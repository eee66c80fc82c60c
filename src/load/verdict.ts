import type { ScenarioSpec } from "./plan.js";
import { formatQuantity } from "./quantity.js";

export { formatQuantity };
import type { ScenarioTargetView } from "./report.js";
import { minAchievedRps, type TargetsFile } from "./targets.js";

/** The measurements a verdict needs. */
export interface Measured {
  sent: number;
  errors: number;
  dropped: number;
  achievedRps: number;
  p95Ms: number;
}

/** What the scenario is held to: the file's p95 and rate where it has them, the error ceiling always. */
export function targetView(spec: ScenarioSpec, targets: TargetsFile, maxErrorRate: number): ScenarioTargetView {
  const t = spec.target;
  let minAchieved: number | null = null;
  if (spec.mode === "open") minAchieved = spec.rate! * (1 - targets.achieved_rate_tolerance);
  else if (t) minAchieved = minAchievedRps(targets, t);
  return {
    p95_ms: t?.p95_ms ?? null,
    rps: t?.rps ?? null,
    min_achieved_rps: minAchieved === null ? null : Math.round(minAchieved * 1000) / 1000,
    max_error_rate: maxErrorRate,
  };
}

export function errorRate(m: Pick<Measured, "sent" | "errors" | "dropped">): number {
  const scheduled = m.sent + m.dropped;
  return scheduled === 0 ? 0 : (m.errors + m.dropped) / scheduled;
}

/**
 * Pass = something was measured, p95 ≤ the target, the achieved rate ≥ the minimum, and
 * errors plus drops ≤ the error ceiling (a server that fails fast must not pass on latency).
 */
export function judge(m: Measured, target: ScenarioTargetView): string[] {
  const failures: string[] = [];
  if (m.sent === 0) failures.push("no requests were measured");
  if (target.p95_ms !== null && m.p95Ms > target.p95_ms) failures.push(`p95 ${formatQuantity(m.p95Ms)} ms > target ${formatQuantity(target.p95_ms)} ms`);
  if (target.min_achieved_rps !== null && m.achievedRps < target.min_achieved_rps) {
    failures.push(`achieved ${formatQuantity(m.achievedRps)} req/s < ${formatQuantity(target.min_achieved_rps)} req/s needed`);
  }
  const rate = errorRate(m);
  if (rate > target.max_error_rate) {
    failures.push(
      `errors and drops ${(rate * 100).toFixed(2)}% > ${(target.max_error_rate * 100).toFixed(2)}% allowed (${m.errors} errors, ${m.dropped} dropped)`,
    );
  }
  return failures;
}

/** A scenario's target in words, the same in the console table, the HTML page and failures. */
export function targetText(target: Pick<ScenarioTargetView, "p95_ms" | "min_achieved_rps">): string {
  const parts: string[] = [];
  if (target.p95_ms !== null) parts.push(`p95 ≤ ${formatQuantity(target.p95_ms)} ms`);
  if (target.min_achieved_rps !== null) parts.push(`≥ ${formatQuantity(target.min_achieved_rps)} req/s`);
  return parts.join(", ");
}
