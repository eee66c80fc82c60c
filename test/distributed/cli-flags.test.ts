import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

// Bad flags of the distributed commands: exit 2 with one reason, before anything runs.

describe("distributed flags", () => {
  it("load refuses an --out it cannot stream to and a push interval that would spin", async () => {
    const bad = await runCli(["load", "--out", "influxdb=http://x", "--duration", "1s"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not prometheus-rw=URL/);
    const spin = await runCli(["load", "--out", "prometheus-rw=http://127.0.0.1:9/api/v1/write", "--push-interval", "10ms", "--duration", "1s"]);
    expect(spin.code).toBe(2);
    expect(spin.stderr).toMatch(/--push-interval must be at least 100ms/);
  }, 60_000);

  it("verdict needs exactly one source, a testid with Prometheus, and a Prometheus that answers", async () => {
    const none = await runCli(["verdict"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give one source/);
    const noId = await runCli(["verdict", "--prometheus", "http://127.0.0.1:9"]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/--prometheus needs --testid/);
    const down = await runCli(["verdict", "--prometheus", "http://127.0.0.1:9", "--testid", "x", "--timeout", "2s"]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/Prometheus at http:\/\/127\.0\.0\.1:9\/ did not answer/);
  }, 60_000);
});
