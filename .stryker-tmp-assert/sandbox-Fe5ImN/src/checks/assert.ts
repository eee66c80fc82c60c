// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import type { RerankOutput } from "../contract/common.js";
import type { HttpExchange } from "../client/http-client.js";
import { CheckFailure, CheckWarning, type Evidence } from "./types.js";
import { mulberry32 } from "../util/prng.js";

/** Scores equal "exactly": float noise only (SHOULD level). */
export const TIGHT_TOLERANCE = 1e-5;
/**
 * Scores equal within what fp16/bf16 batching on a GPU explains (MUST level): the 1%
 * that vLLM's and Infinity's own tests allow against a reference implementation.
 */
export const LOOSE_TOLERANCE = 1e-2;
export function deviation(a: number, b: number): number {
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    return stryMutAct_9fa48("1") ? Math.abs(a - b) * Math.max(1, Math.abs(a), Math.abs(b)) : (stryCov_9fa48("1"), Math.abs(stryMutAct_9fa48("2") ? a + b : (stryCov_9fa48("2"), a - b)) / (stryMutAct_9fa48("3") ? Math.min(1, Math.abs(a), Math.abs(b)) : (stryCov_9fa48("3"), Math.max(1, Math.abs(a), Math.abs(b)))));
  }
}
export function fail(message: string, evidence: Evidence[]): never {
  if (stryMutAct_9fa48("4")) {
    {}
  } else {
    stryCov_9fa48("4");
    throw new CheckFailure(message, evidence);
  }
}

/** Score of each input index (the last one wins if the server repeated an index). */
export function scoresByIndex(output: RerankOutput): Map<number, number> {
  if (stryMutAct_9fa48("5")) {
    {}
  } else {
    stryCov_9fa48("5");
    return new Map(output.results.map(stryMutAct_9fa48("6") ? () => undefined : (stryCov_9fa48("6"), r => stryMutAct_9fa48("7") ? [] : (stryCov_9fa48("7"), [r.index, r.score]))));
  }
}

/** Indices are integers in [0, n), each at most once. */
export function assertPermutationSubset(output: RerankOutput, n: number, evidence: Evidence[]): void {
  if (stryMutAct_9fa48("8")) {
    {}
  } else {
    stryCov_9fa48("8");
    const seen = new Set<number>();
    for (const [pos, r] of output.results.entries()) {
      if (stryMutAct_9fa48("9")) {
        {}
      } else {
        stryCov_9fa48("9");
        if (stryMutAct_9fa48("12") ? (!Number.isInteger(r.index) || r.index < 0) && r.index >= n : stryMutAct_9fa48("11") ? false : stryMutAct_9fa48("10") ? true : (stryCov_9fa48("10", "11", "12"), (stryMutAct_9fa48("14") ? !Number.isInteger(r.index) && r.index < 0 : stryMutAct_9fa48("13") ? false : (stryCov_9fa48("13", "14"), (stryMutAct_9fa48("15") ? Number.isInteger(r.index) : (stryCov_9fa48("15"), !Number.isInteger(r.index))) || (stryMutAct_9fa48("18") ? r.index >= 0 : stryMutAct_9fa48("17") ? r.index <= 0 : stryMutAct_9fa48("16") ? false : (stryCov_9fa48("16", "17", "18"), r.index < 0)))) || (stryMutAct_9fa48("21") ? r.index < n : stryMutAct_9fa48("20") ? r.index > n : stryMutAct_9fa48("19") ? false : (stryCov_9fa48("19", "20", "21"), r.index >= n)))) {
          if (stryMutAct_9fa48("22")) {
            {}
          } else {
            stryCov_9fa48("22");
            fail(stryMutAct_9fa48("23") ? `` : (stryCov_9fa48("23"), `results[${pos}].index is ${r.index}, outside the ${n} input documents (0..${stryMutAct_9fa48("24") ? n + 1 : (stryCov_9fa48("24"), n - 1)})`), evidence);
          }
        }
        if (stryMutAct_9fa48("26") ? false : stryMutAct_9fa48("25") ? true : (stryCov_9fa48("25", "26"), seen.has(r.index))) fail(stryMutAct_9fa48("27") ? `` : (stryCov_9fa48("27"), `index ${r.index} appears more than once in results`), evidence);
        seen.add(r.index);
      }
    }
  }
}
export function assertCount(output: RerankOutput, expected: number, what: string, evidence: Evidence[]): void {
  if (stryMutAct_9fa48("28")) {
    {}
  } else {
    stryCov_9fa48("28");
    if (stryMutAct_9fa48("31") ? output.results.length === expected : stryMutAct_9fa48("30") ? false : stryMutAct_9fa48("29") ? true : (stryCov_9fa48("29", "30", "31"), output.results.length !== expected)) {
      if (stryMutAct_9fa48("32")) {
        {}
      } else {
        stryCov_9fa48("32");
        fail(stryMutAct_9fa48("33") ? `` : (stryCov_9fa48("33"), `${what}: expected ${expected} results, got ${output.results.length} (indices ${stryMutAct_9fa48("36") ? output.results.map(r => r.index).join(", ") && "none" : stryMutAct_9fa48("35") ? false : stryMutAct_9fa48("34") ? true : (stryCov_9fa48("34", "35", "36"), output.results.map(stryMutAct_9fa48("37") ? () => undefined : (stryCov_9fa48("37"), r => r.index)).join(stryMutAct_9fa48("38") ? "" : (stryCov_9fa48("38"), ", ")) || (stryMutAct_9fa48("39") ? "" : (stryCov_9fa48("39"), "none")))})`), evidence);
      }
    }
  }
}
export function assertSortedDescending(output: RerankOutput, evidence: Evidence[]): void {
  if (stryMutAct_9fa48("40")) {
    {}
  } else {
    stryCov_9fa48("40");
    const r = output.results;
    for (let i = 1; stryMutAct_9fa48("43") ? i >= r.length : stryMutAct_9fa48("42") ? i <= r.length : stryMutAct_9fa48("41") ? false : (stryCov_9fa48("41", "42", "43"), i < r.length); stryMutAct_9fa48("44") ? i-- : (stryCov_9fa48("44"), i++)) {
      if (stryMutAct_9fa48("45")) {
        {}
      } else {
        stryCov_9fa48("45");
        if (stryMutAct_9fa48("49") ? r[i]!.score <= r[i - 1]!.score : stryMutAct_9fa48("48") ? r[i]!.score >= r[i - 1]!.score : stryMutAct_9fa48("47") ? false : stryMutAct_9fa48("46") ? true : (stryCov_9fa48("46", "47", "48", "49"), r[i]!.score > r[stryMutAct_9fa48("50") ? i + 1 : (stryCov_9fa48("50"), i - 1)]!.score)) {
          if (stryMutAct_9fa48("51")) {
            {}
          } else {
            stryCov_9fa48("51");
            fail(stryMutAct_9fa48("52") ? `` : (stryCov_9fa48("52"), `results are not sorted by score, descending: results[${stryMutAct_9fa48("53") ? i + 1 : (stryCov_9fa48("53"), i - 1)}] (index ${r[stryMutAct_9fa48("54") ? i + 1 : (stryCov_9fa48("54"), i - 1)]!.index}) scores ${r[stryMutAct_9fa48("55") ? i + 1 : (stryCov_9fa48("55"), i - 1)]!.score} < results[${i}] (index ${r[i]!.index}) ${r[i]!.score}`), evidence);
          }
        }
      }
    }
  }
}

/**
 * Compares two runs' scores per document: beyond LOOSE_TOLERANCE is a failure, beyond
 * TIGHT_TOLERANCE a warning. `what` names the invariance, e.g. "the same request twice".
 */
export function assertSameScores(what: string, expected: Map<number, number>, actual: Map<number, number>, evidence: Evidence[], describeIndex: (index: number) => string = stryMutAct_9fa48("56") ? () => undefined : (stryCov_9fa48("56"), i => stryMutAct_9fa48("57") ? `` : (stryCov_9fa48("57"), `document ${i}`))): void {
  if (stryMutAct_9fa48("58")) {
    {}
  } else {
    stryCov_9fa48("58");
    let worst = stryMutAct_9fa48("59") ? {} : (stryCov_9fa48("59"), {
      dev: 0,
      index: stryMutAct_9fa48("60") ? +1 : (stryCov_9fa48("60"), -1),
      a: 0,
      b: 0
    });
    for (const [index, a] of expected) {
      if (stryMutAct_9fa48("61")) {
        {}
      } else {
        stryCov_9fa48("61");
        const b = actual.get(index);
        if (stryMutAct_9fa48("64") ? b !== undefined : stryMutAct_9fa48("63") ? false : stryMutAct_9fa48("62") ? true : (stryCov_9fa48("62", "63", "64"), b === undefined)) fail(stryMutAct_9fa48("65") ? `` : (stryCov_9fa48("65"), `${what}: ${describeIndex(index)} is missing from the second answer`), evidence);
        const dev = deviation(a, b);
        if (stryMutAct_9fa48("69") ? dev <= worst.dev : stryMutAct_9fa48("68") ? dev >= worst.dev : stryMutAct_9fa48("67") ? false : stryMutAct_9fa48("66") ? true : (stryCov_9fa48("66", "67", "68", "69"), dev > worst.dev)) worst = stryMutAct_9fa48("70") ? {} : (stryCov_9fa48("70"), {
          dev,
          index,
          a,
          b
        });
      }
    }
    const detail = stryMutAct_9fa48("71") ? `` : (stryCov_9fa48("71"), `${describeIndex(worst.index)} scored ${worst.a} and then ${worst.b} (relative difference ${worst.dev.toExponential(2)})`);
    if (stryMutAct_9fa48("75") ? worst.dev <= LOOSE_TOLERANCE : stryMutAct_9fa48("74") ? worst.dev >= LOOSE_TOLERANCE : stryMutAct_9fa48("73") ? false : stryMutAct_9fa48("72") ? true : (stryCov_9fa48("72", "73", "74", "75"), worst.dev > LOOSE_TOLERANCE)) fail(stryMutAct_9fa48("76") ? `` : (stryCov_9fa48("76"), `${what} changed scores beyond ${LOOSE_TOLERANCE}: ${detail}`), evidence);
    if (stryMutAct_9fa48("80") ? worst.dev <= TIGHT_TOLERANCE : stryMutAct_9fa48("79") ? worst.dev >= TIGHT_TOLERANCE : stryMutAct_9fa48("78") ? false : stryMutAct_9fa48("77") ? true : (stryCov_9fa48("77", "78", "79", "80"), worst.dev > TIGHT_TOLERANCE)) throw new CheckWarning(stryMutAct_9fa48("81") ? `` : (stryCov_9fa48("81"), `${what} changed scores beyond ${TIGHT_TOLERANCE} (within ${LOOSE_TOLERANCE}): ${detail}`), evidence);
  }
}
export function isJsonContentType(exchange: HttpExchange): boolean {
  if (stryMutAct_9fa48("82")) {
    {}
  } else {
    stryCov_9fa48("82");
    const type = stryMutAct_9fa48("84") ? (exchange.headers["content-type"] ?? "").split(";")[0]!.toLowerCase() : stryMutAct_9fa48("83") ? (exchange.headers["content-type"] ?? "").split(";")[0]!.trim().toUpperCase() : (stryCov_9fa48("83", "84"), (stryMutAct_9fa48("85") ? exchange.headers["content-type"] && "" : (stryCov_9fa48("85"), exchange.headers[stryMutAct_9fa48("86") ? "" : (stryCov_9fa48("86"), "content-type")] ?? (stryMutAct_9fa48("87") ? "Stryker was here!" : (stryCov_9fa48("87"), "")))).split(stryMutAct_9fa48("88") ? "" : (stryCov_9fa48("88"), ";"))[0]!.trim().toLowerCase());
    return stryMutAct_9fa48("91") ? type === "application/json" && /^application\/[a-z0-9.+-]*\+json$/.test(type) : stryMutAct_9fa48("90") ? false : stryMutAct_9fa48("89") ? true : (stryCov_9fa48("89", "90", "91"), (stryMutAct_9fa48("93") ? type !== "application/json" : stryMutAct_9fa48("92") ? false : (stryCov_9fa48("92", "93"), type === (stryMutAct_9fa48("94") ? "" : (stryCov_9fa48("94"), "application/json")))) || (stryMutAct_9fa48("98") ? /^application\/[^a-z0-9.+-]*\+json$/ : stryMutAct_9fa48("97") ? /^application\/[a-z0-9.+-]\+json$/ : stryMutAct_9fa48("96") ? /^application\/[a-z0-9.+-]*\+json/ : stryMutAct_9fa48("95") ? /application\/[a-z0-9.+-]*\+json$/ : (stryCov_9fa48("95", "96", "97", "98"), /^application\/[a-z0-9.+-]*\+json$/)).test(type));
  }
}

/** The raw result objects of a success body: a bare array or its `results` array. */
export function rawResults(json: unknown): Record<string, unknown>[] {
  if (stryMutAct_9fa48("99")) {
    {}
  } else {
    stryCov_9fa48("99");
    const list = Array.isArray(json) ? json : stryMutAct_9fa48("100") ? (json as {
      results?: unknown;
    } | null).results : (stryCov_9fa48("100"), (json as {
      results?: unknown;
    } | null)?.results);
    return Array.isArray(list) ? list.filter(r => r && typeof r === "object") as Record<string, unknown>[] : stryMutAct_9fa48("101") ? ["Stryker was here"] : (stryCov_9fa48("101"), []);
  }
}

/** Finds the request body's key holding `value`, so checks never hard-code field names (`documents` vs TEI's `texts`). */
export function keyHolding(body: Record<string, unknown>, value: unknown): string {
  if (stryMutAct_9fa48("102")) {
    {}
  } else {
    stryCov_9fa48("102");
    const same = stryMutAct_9fa48("103") ? () => undefined : (stryCov_9fa48("103"), (() => {
      const same = (v: unknown) => stryMutAct_9fa48("106") ? v === value && JSON.stringify(v) === JSON.stringify(value) : stryMutAct_9fa48("105") ? false : stryMutAct_9fa48("104") ? true : (stryCov_9fa48("104", "105", "106"), (stryMutAct_9fa48("108") ? v !== value : stryMutAct_9fa48("107") ? false : (stryCov_9fa48("107", "108"), v === value)) || (stryMutAct_9fa48("110") ? JSON.stringify(v) !== JSON.stringify(value) : stryMutAct_9fa48("109") ? false : (stryCov_9fa48("109", "110"), JSON.stringify(v) === JSON.stringify(value))));
      return same;
    })());
    const key = Object.keys(body).find(stryMutAct_9fa48("111") ? () => undefined : (stryCov_9fa48("111"), k => same(body[k])));
    if (stryMutAct_9fa48("114") ? key !== undefined : stryMutAct_9fa48("113") ? false : stryMutAct_9fa48("112") ? true : (stryCov_9fa48("112", "113", "114"), key === undefined)) throw new Error(stryMutAct_9fa48("115") ? "" : (stryCov_9fa48("115"), "the dialect's request builder did not carry the value through"));
    return key;
  }
}

/** A seeded shuffle (mulberry32), so a failing permutation can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  if (stryMutAct_9fa48("116")) {
    {}
  } else {
    stryCov_9fa48("116");
    const rand = mulberry32(seed);
    const out = stryMutAct_9fa48("117") ? [] : (stryCov_9fa48("117"), [...items]);
    for (let i = stryMutAct_9fa48("118") ? out.length + 1 : (stryCov_9fa48("118"), out.length - 1); stryMutAct_9fa48("121") ? i <= 0 : stryMutAct_9fa48("120") ? i >= 0 : stryMutAct_9fa48("119") ? false : (stryCov_9fa48("119", "120", "121"), i > 0); stryMutAct_9fa48("122") ? i++ : (stryCov_9fa48("122"), i--)) {
      if (stryMutAct_9fa48("123")) {
        {}
      } else {
        stryCov_9fa48("123");
        const j = Math.floor(stryMutAct_9fa48("124") ? rand() / (i + 1) : (stryCov_9fa48("124"), rand() * (stryMutAct_9fa48("125") ? i - 1 : (stryCov_9fa48("125"), i + 1))));
        [out[i], out[j]] = stryMutAct_9fa48("126") ? [] : (stryCov_9fa48("126"), [out[j]!, out[i]!]);
      }
    }
    return out;
  }
}