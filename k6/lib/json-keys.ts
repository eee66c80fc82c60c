/**
 * The k6 summary's JSON report uses snake_case field names, as every report file does, but the
 * summary is built with camelCase names: this converts mechanically at the boundary. (The
 * harness's own reports need no conversion: their zod schemas are snake_case.) A key in
 * lowerCamelCase (`baseUrl`, `durationMs`) becomes snake_case (`base_url`, `duration_ms`). Keys
 * that are data rather than field names (header names, status codes, check ids, `x-*-time`)
 * never match lowerCamelCase and pass through.
 */
const LOWER_CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;

export function snakeCase(key: string): string {
  return LOWER_CAMEL.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;
}

/** A deep copy of a JSON-like value with every lowerCamelCase key in snake_case (undefined fields dropped, as JSON would). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [snakeCase(k), snakeKeys(v)]),
    );
  }
  return value;
}
