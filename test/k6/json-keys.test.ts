import { describe, expect, it } from "vitest";
import { snakeCase, snakeKeys } from "../../k6/lib/json-keys.js";

// The k6 summary's JSON report is built camelCase and written snake_case (the report files' convention).

describe("k6 summary JSON keys", () => {
  it("converts lowerCamelCase keys to snake_case and leaves data keys alone", () => {
    expect(
      ["baseUrl", "durationMs", "bodyStart", "hitAt1", "already_snake", "x-inference-time", "Content-Type", "200", "sort.descending", "a"].map(snakeCase),
    ).toEqual(["base_url", "duration_ms", "body_start", "hit_at1", "already_snake", "x-inference-time", "Content-Type", "200", "sort.descending", "a"]);
    const input = {
      startedAt: "t",
      nested: [{ contentType: "x", headers: { "content-type": "a", Authorization: "Bearer [REDACTED]" } }],
      gone: undefined,
      n: null,
    };
    expect(snakeKeys(input)).toEqual({
      started_at: "t",
      nested: [{ content_type: "x", headers: { "content-type": "a", Authorization: "Bearer [REDACTED]" } }],
      n: null,
    });
    expect(input.startedAt).toBe("t"); // a copy, not in place
  });
});
