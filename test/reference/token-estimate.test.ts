import { describe, expect, it } from "vitest";
import { TokenEstimate } from "../../src/reference/token-estimate.js";

describe("TokenEstimate", () => {
  it("assumes four characters a token until it has seen a pair, plus the special tokens", () => {
    const e = new TokenEstimate(512, 3);
    expect(e.charsPerToken).toBeUndefined();
    expect(e.pair(400)).toBe(103);
  });

  it("learns characters per token from the pairs it sees", () => {
    const e = new TokenEstimate(512, 3);
    e.observe(600, 100);
    expect(e.charsPerToken).toBeCloseTo(6);
    expect(e.pair(600)).toBe(103);
    e.observe(0, 10); // nothing to learn from
    expect(e.charsPerToken).toBeCloseTo(6);
  });

  it("follows a change of text within a few half-lives, forgetting the old ratio", () => {
    const e = new TokenEstimate(512, 2, 1000);
    e.observe(6000, 1000); // 6 chars a token
    for (let i = 0; i < 80; i++) e.observe(200, 100); // then 2 chars a token for 8 half-lives
    expect(e.charsPerToken!).toBeGreaterThan(2);
    expect(e.charsPerToken!).toBeLessThan(2.05);
  });

  it("never expects more than the model's limit, or a lower per-request limit (truncation)", () => {
    const e = new TokenEstimate(512, 3);
    expect(e.pair(1_000_000)).toBe(512);
    expect(e.pair(1_000_000, 64)).toBe(64);
    expect(e.pair(1_000_000, 4096)).toBe(512);
  });
});
