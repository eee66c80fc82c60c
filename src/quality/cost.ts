import { HarnessError } from "../util/errors.js";
import { z } from "zod";
// Cost per 1,000 queries from a price and, for hourly prices, a throughput. Pure functions: the
// throughput figures come in as data (see throughput.ts for where compare takes them from).

/** What a price is per: a request, a search unit (Cohere: one query with up to 100 documents), or an hour of a machine. */
export const PRICE_UNITS = ["request", "search", "hour"] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

export interface Price {
  /** The target label the price is for. */
  target: string;
  /** Price of one unit (2/1k-searches → 0.002 per search). */
  per_unit: number;
  unit: PriceUnit;
  /** As given, e.g. "2/1k-searches". */
  given: string;
}

/** Documents in one Cohere search unit ("a query with up to 100 documents"). */
export const DOCS_PER_SEARCH_UNIT = 100;

export class PriceError extends HarnessError {
  readonly code = "RH_PRICE";
  readonly kind = "usage";
}

const UNIT_RE = /^(?:(1k|1000)-?)?(requests?|searches|search|hours?|h)$/i;

/**
 * `TARGET=AMOUNT/UNIT`: UNIT is `1k-requests`, `request`, `1k-searches`, `search` or `hour`
 * (`h`), e.g. `cohere=2/1k-searches`, `vllm=2.5/hour`. The target label is everything before
 * the last `=`; the amount is in any currency (no symbol), the same for every target.
 */
export function parsePrice(text: string): Price {
  const eq = text.lastIndexOf("=");
  if (eq <= 0) throw new PriceError(`--price ${text}: expected TARGET=AMOUNT/UNIT, e.g. cohere=2/1k-searches or self-hosted=2.5/hour`);
  const target = text.slice(0, eq).trim();
  const given = text.slice(eq + 1).trim();
  const [amountText, unitText, ...rest] = given.split("/");
  const amount = Number(amountText);
  if (!amountText || !Number.isFinite(amount) || amount < 0)
    throw new PriceError(`--price ${text}: ${JSON.stringify(amountText ?? "")} is not a non-negative number`);
  const m = rest.length === 0 && unitText ? UNIT_RE.exec(unitText.trim()) : null;
  if (!m) throw new PriceError(`--price ${text}: unit must be 1k-requests, request, 1k-searches, search or hour (got ${JSON.stringify(unitText ?? "")})`);
  const perThousand = m[1] !== undefined;
  const word = m[2]!.toLowerCase();
  const unit: PriceUnit = word.startsWith("req") ? "request" : word.startsWith("search") ? "search" : "hour";
  if (unit === "hour" && perThousand) throw new PriceError(`--price ${text}: a price per hour has no 1k- prefix`);
  return { target, per_unit: perThousand ? amount / 1000 : amount, unit, given };
}

/** Requests per second at one documents count, and where the figure came from. */
export interface ThroughputPoint {
  docs: number;
  rps: number;
  /** "achieved": the achieved rate of compare's load run; "capacity": the highest sustained rate (load --find-max). */
  source: "achieved" | "capacity";
  /** The load run achieved (about) the rate it offered: the target may do more, so an hourly cost is an upper bound. */
  offered_bound?: boolean;
}

export interface CostTarget {
  label: string;
  price?: Price;
  /** Most documents one request may carry (null: no limit); more are split over several requests. */
  docs_per_request: number | null;
  throughput: readonly ThroughputPoint[];
}

/** `cost[]` in the compare JSON: one row per target and documents count. */
export const CostRow = z.strictObject({
  target: z.string(),
  docs: z.number().int(),
  price: z.string(),
  unit: z.enum(PRICE_UNITS),
  requests_per_query: z.number(),
  /** Billed units per query: requests, search units, or (hourly) null. */
  units_per_query: z.number().nullable(),
  throughput_rps: z.number().nullable(),
  /** achieved: compare's load run; capacity: the highest sustained rate (--find-max). */
  throughput_source: z.enum(["achieved", "capacity"]).nullable(),
  /** null where an hourly price has no throughput at this documents count. */
  cost_per_1k_queries: z.number().nullable(),
  note: z.string().optional(),
});
export type CostRow = z.infer<typeof CostRow>;

/**
 * Cost of 1,000 queries of `docs` candidates on each priced target:
 * - per request: price × requests per query (⌈docs / docs_per_request⌉);
 * - per search unit: price × Σ over those requests of ⌈documents in it / 100⌉;
 * - per hour: price / 3600 / queries per second × 1,000, where queries per second is the
 *   throughput measured with requests of that many documents (one request per query).
 */
export function costPer1kQueries(targets: readonly CostTarget[], docsCounts: readonly number[]): CostRow[] {
  const rows: CostRow[] = [];
  for (const t of targets) {
    if (!t.price) continue;
    for (const docs of docsCounts) {
      const limit = t.docs_per_request ?? docs;
      const requests = Math.max(1, Math.ceil(docs / Math.max(1, limit)));
      const row: CostRow = {
        target: t.label,
        docs,
        price: t.price.given,
        unit: t.price.unit,
        requests_per_query: requests,
        units_per_query: null,
        throughput_rps: null,
        throughput_source: null,
        cost_per_1k_queries: null,
      };
      if (t.price.unit === "request") {
        row.units_per_query = requests;
        row.cost_per_1k_queries = 1000 * t.price.per_unit * requests;
      } else if (t.price.unit === "search") {
        let units = 0;
        for (let left = docs; left > 0; left -= limit) units += Math.ceil(Math.min(left, limit) / DOCS_PER_SEARCH_UNIT);
        row.units_per_query = Math.max(1, units);
        row.cost_per_1k_queries = 1000 * t.price.per_unit * row.units_per_query;
      } else {
        const point = t.throughput.find((p) => p.docs === docs);
        if (!point || point.rps <= 0) {
          row.note = `no throughput measured at ${docs} documents`;
        } else {
          row.throughput_rps = point.rps;
          row.throughput_source = point.source;
          row.cost_per_1k_queries = (t.price.per_unit / 3600 / point.rps) * 1000;
          if (point.offered_bound) row.note = "the load run achieved the rate it offered: capacity may be higher, so this is an upper bound";
        }
      }
      rows.push(row);
    }
  }
  return rows;
}
