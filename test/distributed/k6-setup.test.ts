import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRIC } from "../../src/distributed/remote-write/metrics.js";

// The k6-operator manifest streams what `verdict --prometheus` reads, and the dashboard reads
// the names `load --out prometheus-rw` writes.

describe("k6/k8s/testrun.yaml streams to Prometheus for one verdict", () => {
  const manifest = readFileSync("k6/k8s/testrun.yaml", "utf8");
  const env = (name: string): string | undefined => new RegExp(`- name: ${name}\\n\\s+value: "?([^"\\n]+)"?`).exec(manifest)?.[1];

  it("sets experimental-prometheus-rw with trends as native histograms and a testid tag", () => {
    expect(env("K6_OUT")).toBe("experimental-prometheus-rw");
    expect(env("K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM")).toBe("true");
    expect(env("K6_PROMETHEUS_RW_SERVER_URL")).toMatch(/^https?:\/\/.+\/api\/v1\/write$/);
    expect(manifest).toMatch(/--tag testid=\S+/);
  });
});

describe("k6/grafana/rerank-harness.json", () => {
  const dashboard = JSON.parse(readFileSync("k6/grafana/rerank-harness.json", "utf8")) as {
    templating: { list: Array<{ name: string }> };
    panels: Array<{ targets: Array<{ expr: string }> }>;
  };
  it("selects the run by testid and reads k6's series names in every panel", () => {
    expect(dashboard.templating.list.map((v) => v.name)).toContain("testid");
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    for (const e of exprs) expect(e).toContain('testid="$testid"');
    for (const name of [METRIC.duration, METRIC.reqs, METRIC.failed, METRIC.dropped, METRIC.valid])
      expect(
        exprs.some((e) => e.includes(name)),
        name,
      ).toBe(true);
  });
});
