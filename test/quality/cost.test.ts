import { describe, expect, it } from "vitest";
import { costPer1kQueries, parsePrice, PriceError } from "../../src/quality/cost.js";

describe("--price", () => {
  it("parses per-1k, per-unit and per-hour prices; the label is everything before the last =", () => {
    expect(parsePrice("cohere=2/1k-searches")).toEqual({ target: "cohere", per_unit: 0.002, unit: "search", given: "2/1k-searches" });
    expect(parsePrice("jina=0.5/1k-requests")).toMatchObject({ per_unit: 0.0005, unit: "request" });
    expect(parsePrice("x=0.001/request")).toMatchObject({ per_unit: 0.001, unit: "request" });
    expect(parsePrice("embedded (bm25)=2.5/hour")).toMatchObject({ target: "embedded (bm25)", per_unit: 2.5, unit: "hour" });
    expect(parsePrice("a=b=1/h")).toMatchObject({ target: "a=b", unit: "hour" });
  });

  it.each(["cohere", "=2/hour", "c=two/hour", "c=-1/hour", "c=2/day", "c=2", "c=2/1k-hours", "c=2/1k/searches"])("rejects %s in one line", (text) => {
    expect(() => parsePrice(text)).toThrow(PriceError);
    try {
      parsePrice(text);
    } catch (err) {
      expect((err as Error).message).not.toContain("\n");
      expect((err as Error).message).toContain("--price");
    }
  });
});

describe("cost per 1,000 queries", () => {
  const perSearch = parsePrice("cohere=2/1k-searches");
  const perRequest = parsePrice("tei=1/1k-requests");
  const perHour = parsePrice("gpu=3.6/hour");

  it("per search unit: ⌈documents / 100⌉ units per request", () => {
    const rows = costPer1kQueries([{ label: "cohere", price: perSearch, docs_per_request: null, throughput: [] }], [10, 100, 250]);
    expect(rows.map((r) => [r.docs, r.units_per_query, r.cost_per_1k_queries])).toEqual([
      [10, 1, 2],
      [100, 1, 2],
      [250, 3, 6],
    ]);
  });

  it("splits over the documents-per-request limit: requests and search units per request", () => {
    const [req] = costPer1kQueries([{ label: "tei", price: perRequest, docs_per_request: 32, throughput: [] }], [100]);
    expect(req).toMatchObject({ requests_per_query: 4, units_per_query: 4, cost_per_1k_queries: 4 });
    // 100 documents in batches of 32, 32, 32, 4: one search unit each.
    const [search] = costPer1kQueries([{ label: "c", price: perSearch, docs_per_request: 32, throughput: [] }], [100]);
    expect(search).toMatchObject({ requests_per_query: 4, units_per_query: 4, cost_per_1k_queries: 8 });
  });

  it("per hour: price / 3600 / throughput × 1000, at each documents count's own throughput", () => {
    const rows = costPer1kQueries(
      [
        {
          label: "gpu",
          price: perHour,
          docs_per_request: null,
          throughput: [
            { docs: 10, rps: 100, source: "capacity" },
            { docs: 50, rps: 20, source: "achieved", offered_bound: true },
          ],
        },
      ],
      [10, 50, 100],
    );
    expect(rows[0]).toMatchObject({ docs: 10, throughput_rps: 100, throughput_source: "capacity", cost_per_1k_queries: (3.6 / 3600 / 100) * 1000 });
    expect(rows[0]!.cost_per_1k_queries).toBeCloseTo(0.01, 12);
    expect(rows[1]!.cost_per_1k_queries).toBeCloseTo(0.05, 12);
    expect(rows[1]!.note).toMatch(/upper bound/);
    expect(rows[2]).toMatchObject({ docs: 100, cost_per_1k_queries: null, note: "no throughput measured at 100 documents" });
  });

  it("targets without a price get no rows", () => {
    expect(costPer1kQueries([{ label: "free", docs_per_request: null, throughput: [] }], [10])).toEqual([]);
  });
});
