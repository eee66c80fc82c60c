import { afterEach, describe, expect, it, vi } from "vitest";
import { action, BUG_REPORT_HINT, EXIT, UsageError } from "../../src/cli/errors.js";
import { TargetStartError } from "../../src/targets/target.js";

// action(): what a command's thrown error turns into. A bug in the harness must not pass for
// "the target could not start" (exit 2): scripts treat the two differently.

let stderr = "";
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env["DEBUG"];
  process.exitCode = undefined;
  stderr = "";
});

function captureStderr(): void {
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
}

describe("action()", () => {
  it("passes the command's exit code through", async () => {
    await action(async () => EXIT.failed)();
    expect(process.exitCode).toBe(1);
  });

  it("a usage or start-up error: exit 2 with one line", async () => {
    captureStderr();
    await action(async () => {
      throw new UsageError("--rate: not a number");
    })();
    expect(process.exitCode).toBe(2);
    expect(stderr).toBe("error: --rate: not a number\n");
    await action(async () => {
      throw new TargetStartError("server exited with code 1", "");
    })();
    expect(process.exitCode).toBe(2);
  });

  it("an internal error: exit 70, asks for a bug report, the stack only with DEBUG", async () => {
    captureStderr();
    const crash = action(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'results')");
    });
    await crash();
    expect(process.exitCode).toBe(70);
    expect(stderr).toBe(`internal error: Cannot read properties of undefined (reading 'results')\n${BUG_REPORT_HINT}\n`);
    expect(BUG_REPORT_HINT).toMatch(/bug in rerank-harness: please report it/);
    stderr = "";
    process.env["DEBUG"] = "1";
    await crash();
    expect(stderr).toMatch(/^TypeError: Cannot read properties.*\n\s+at /m);
    stderr = "";
    await action(async () => {
      throw "a string"; // eslint-disable-line no-throw-literal
    })();
    expect(process.exitCode).toBe(70);
    expect(stderr.split("\n")[0]).toBe("internal error: a string");
  });
});
