import { mergeEncoded, newHistogram, percentileMs } from "./histogram.js";
import type { ShardProgress } from "./recorder.js";

/** A live view of the running scenario, about once a second. */
export interface LoadProgress {
  scenario: string;
  /** 1-based position of the scenario, and how many there are. */
  index: number;
  count: number;
  phase: "warmup" | "measure" | "drain";
  /** Seconds since the scenario's first send, and its planned length (warm-up + duration). */
  elapsed_s: number;
  total_s: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  /** Sends per second over the measured part so far. */
  rate: number;
  p50_ms: number;
  p99_ms: number;
}

/** Merges the shards' latest progress into one view. */
export function progressView(
  shards: ShardProgress[],
  info: { scenario: string; index: number; count: number; t0: number; warmupMs: number; durationMs: number },
): LoadProgress {
  const h = mergeEncoded(
    newHistogram(),
    shards.map((s) => s.latency),
  );
  const sum = (k: "sent" | "ok" | "errors" | "dropped"): number => shards.reduce((a, s) => a + s[k], 0);
  // The oldest snapshot's time, so counts and elapsed time agree.
  const elapsedMs = Math.min(...shards.map((s) => s.at)) - info.t0;
  const measuredMs = Math.min(info.durationMs, elapsedMs - info.warmupMs);
  const phase = elapsedMs < info.warmupMs ? "warmup" : elapsedMs < info.warmupMs + info.durationMs ? "measure" : "drain";
  return {
    scenario: info.scenario,
    index: info.index,
    count: info.count,
    phase,
    elapsed_s: Math.max(0, elapsedMs / 1000),
    total_s: (info.warmupMs + info.durationMs) / 1000,
    sent: sum("sent"),
    ok: sum("ok"),
    errors: sum("errors"),
    dropped: sum("dropped"),
    rate: measuredMs > 0 ? sum("sent") / (measuredMs / 1000) : 0,
    p50_ms: percentileMs(h, 50),
    p99_ms: percentileMs(h, 99),
  };
}

/** One line for a terminal or a log. */
export function formatProgress(p: LoadProgress): string {
  const phase = p.phase === "measure" ? "" : ` ${p.phase}`;
  return (
    `[${p.index}/${p.count}] ${p.scenario}${phase} ${p.elapsed_s.toFixed(0)}/${p.total_s.toFixed(0)}s` +
    ` sent ${p.sent} (${p.rate.toFixed(1)}/s) ok ${p.ok} err ${p.errors} dropped ${p.dropped}` +
    ` p50 ${p.p50_ms.toFixed(1)}ms p99 ${p.p99_ms.toFixed(1)}ms`
  );
}
