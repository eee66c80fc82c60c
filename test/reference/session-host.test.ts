// Where sessions run: worker threads on a runtime whose binding loads in every thread, a child
// process each on one that does not (the bundled 1.17), and such a process never outlives its parent.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadsInEveryThread } from "../../src/reference/session-host.js";

describe("loadsInEveryThread", () => {
  it("1.30 and later run in worker threads; the bundled 1.17, older or unknown runtimes in a process each", () => {
    const peer130 = { path: "onnxruntime-node", version: "1.30.0", source: "peer" } as const;
    expect(loadsInEveryThread(peer130)).toBe(true);
    expect(loadsInEveryThread({ ...peer130, version: "1.31.2" })).toBe(true);
    expect(loadsInEveryThread({ ...peer130, version: "1.29.1" })).toBe(false);
    expect(loadsInEveryThread({ path: "onnxruntime-node-cpu", version: "1.17.0", source: "bundled" })).toBe(false);
  });
});

/** Child processes of `pid` that run the session host (`node -e <source> <runtime path>`). */
const sessionProcessesOf = (pid: number): number[] => {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
    return children.filter((child) => readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0")[1] === "-e");
  } catch {
    return [];
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(process.platform === "linux")("sessions in child processes (the bundled runtime)", () => {
  it("`serve` runs one process per replica, and they exit when `serve` is killed outright", async () => {
    const entry = fileURLToPath(new URL("./serve-entry.ts", import.meta.url));
    const server = spawn(process.execPath, ["--import", "tsx", entry, "serve", "--model", "tiny-bert", "--port", "0"], {
      env: { ...process.env, RERANK_HARNESS_ONNXRUNTIME: "bundled", RERANK_HARNESS_ORT_REPLICAS: "2" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [line] = (await once(createInterface({ input: server.stdout! }), "line")) as [string];
      expect(line).toMatch(/onnxruntime-node 1\.17\.0, bundled CPU runtime; 2 sessions × 1 thread\)$/);
      const sessions = sessionProcessesOf(server.pid!);
      expect(sessions).toHaveLength(2);
      server.kill("SIGKILL"); // no handler runs: only the closed IPC channel tells the sessions
      const deadline = Date.now() + 10_000;
      while (sessions.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(sessions.filter(alive)).toEqual([]);
    } finally {
      server.kill("SIGKILL");
    }
  });
});
