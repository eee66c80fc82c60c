import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpClient } from "../client/http-client.js";
import { registerCleanup } from "./interrupt.js";
import { OutputLog } from "./output-log.js";
import type { ResolvedTarget } from "./resolve.js";
import type { TargetSpec } from "./spec.js";
import { TargetStartError, type StartedTarget, type TargetContext } from "./target.js";

type ProcessTargetSpec = Extract<TargetSpec, { kind: "process" }>;

export const DEFAULT_PROCESS_STARTUP_TIMEOUT_MS = 120_000;
/** Between SIGTERM to the process group and SIGKILL. */
export const STOP_GRACE_MS = 5_000;
const HEALTH_POLL_MS = 250;
const HEALTH_REQUEST_TIMEOUT_MS = 2_000;

/**
 * `process:<command>`: runs the command in a shell in its own process group, finds its base URL
 * (`#url=`, `#port=`, or the first `http://host:port` it prints), waits for `GET {health}` to
 * answer 200, and on stop signals the whole group: SIGTERM, then SIGKILL after a grace period.
 * `{port}` in the command is replaced by a free port (which then is the base URL's port).
 */
export async function startProcessTarget(spec: ProcessTargetSpec, ctx: TargetContext, resolved: ResolvedTarget): Promise<StartedTarget> {
  const s = spec.settings;
  let command = expandHarness(spec.command);
  let knownUrl = s.url ?? (s.port ? `http://127.0.0.1:${s.port}` : undefined);
  if (command.includes("{port}")) {
    const port = s.port ?? (await freePort());
    command = command.replaceAll("{port}", String(port));
    knownUrl ??= `http://127.0.0.1:${port}`;
  }
  const healthPath = s.health ?? "/health";
  const timeoutMs = ctx.startupTimeoutMs ?? DEFAULT_PROCESS_STARTUP_TIMEOUT_MS;
  const log = new OutputLog("process", ctx.logDir);
  ctx.log(`starting process: ${command} (health ${healthPath} within ${Math.round(timeoutMs / 1000)} s; output: ${log.file})`);

  const child = spawn(command, { shell: true, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const group = child.pid;
  if (group === undefined) {
    await log.close();
    throw new TargetStartError(`${spec.raw}: could not spawn the command`);
  }
  // Interrupted or exiting mid-run: kill the group at once (it does not get the terminal's Ctrl-C).
  const unregister = registerCleanup({
    what: `process group ${group}`,
    onSignal: () => signalGroup(group, "SIGKILL"),
    onExit: () => signalGroup(group, "SIGKILL"),
  });
  const stop = () => stopGroup(child, group).finally(() => (unregister(), log.close()));

  let printedUrl: string | undefined;
  const onOutput = (chunk: Buffer) => {
    log.write(chunk);
    printedUrl ??= findServerUrl(chunk.toString());
  };
  child.stdout!.on("data", onOutput);
  child.stderr!.on("data", onOutput);
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once("error", (err) => resolve(err.message));
  });

  try {
    const baseUrl = await waitUntilHealthy({
      url: () => knownUrl ?? printedUrl,
      healthPath,
      timeoutMs,
      exited,
      requestTimeoutMs: Math.min(HEALTH_REQUEST_TIMEOUT_MS, ctx.timeoutMs),
    });
    ctx.log(`${spec.raw} ready at ${baseUrl}`);
    return { ...resolved, baseUrl, logFile: log.file, stop };
  } catch (err) {
    await stop();
    throw new TargetStartError(`${spec.raw}: ${(err as Error).message}; full output: ${log.where()}`, log.tail(40) || undefined);
  }
}

/**
 * `{harness}` in a process command is this very CLI, however it was started (npx, a global
 * install, `node dist/src/cli.js`, tsx): the running Node binary, its flags, and the script.
 */
export function expandHarness(command: string, argv: readonly string[] = [process.execPath, ...process.execArgv, process.argv[1] ?? ""]): string {
  if (!command.includes("{harness}")) return command;
  return command.replaceAll("{harness}", argv.map(shellQuote).join(" "));
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The first `http(s)://host:port` a server prints (an explicit port marks a listening address,
 * unlike download URLs); `0.0.0.0` and `[::]` become loopback. Only the origin is kept.
 */
export function findServerUrl(text: string): string | undefined {
  for (const match of text.matchAll(/https?:\/\/(?:\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}/gi)) {
    try {
      const url = new URL(match[0]);
      if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
      if (url.hostname === "[::]") url.hostname = "[::1]";
      return url.origin;
    } catch {
      // not a URL after all: keep looking
    }
  }
  return undefined;
}

async function waitUntilHealthy(o: {
  url: () => string | undefined;
  healthPath: string;
  timeoutMs: number;
  requestTimeoutMs: number;
  exited: Promise<string>;
}): Promise<string> {
  const deadline = Date.now() + o.timeoutMs;
  let exitReason: string | undefined;
  void o.exited.then((reason) => (exitReason = reason));
  let lastProblem = "it printed no http://host:port URL (set #url= or #port=)";
  let client: HttpClient | undefined;
  let clientUrl: string | undefined;
  try {
    while (Date.now() < deadline) {
      if (exitReason) throw new Error(`the process ended (${exitReason}) before it was healthy`);
      const url = o.url();
      if (url) {
        if (clientUrl !== url) {
          await client?.close();
          client = new HttpClient({ baseUrl: url, timeoutMs: o.requestTimeoutMs });
          clientUrl = url;
        }
        try {
          const res = await client!.send({ method: "GET", path: o.healthPath, auth: false });
          if (res.status === 200) return url.replace(/\/+$/, "");
          lastProblem = `GET ${o.healthPath} answered ${res.status}`;
        } catch (err) {
          lastProblem = `GET ${url}${o.healthPath}: ${(err as Error).message}`;
        }
      }
      await sleep(HEALTH_POLL_MS);
    }
    throw new Error(`not healthy within ${Math.round(o.timeoutMs / 1000)} s (${lastProblem})`);
  } finally {
    await client?.close();
  }
}

/** SIGTERM to the whole group, SIGKILL to whatever is left after the grace period. */
async function stopGroup(child: ChildProcess, group: number): Promise<void> {
  if (!groupAlive(group)) return;
  signalGroup(group, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline && groupAlive(group)) await sleep(50);
  if (groupAlive(group)) signalGroup(group, "SIGKILL");
  // Reap the leader so no zombie stays behind.
  if (child.exitCode === null && child.signalCode === null) {
    await Promise.race([new Promise((resolve) => child.once("exit", resolve)), sleep(1_000)]);
  }
}

/** Whether any process of the group still exists (signal 0 only checks). */
function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but is not ours to signal (cannot happen for our own group); ESRCH: gone.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // already gone
  }
}

/** A free TCP port on loopback (the OS picks; there is a small race until the process binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
