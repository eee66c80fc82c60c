import { existsSync, readFileSync } from "node:fs";
import { createServer, isIP } from "node:net";
import { delimiter, join } from "node:path";
import type { ContainerRuntimeClient } from "testcontainers";
import { gpuSupportFrom, type EngineGpuInfo, type GpuSupport } from "./gpus.js";
import { HarnessError } from "../util/errors.js";

/**
 * What the container target asks the Docker engine directly (through testcontainers' dockerode
 * client): images, the reaper, GPUs, container state and logs, removal by label. Only types are
 * imported from testcontainers here; callers pass the client.
 */
type Client = ContainerRuntimeClient;

/** The engine could not pull an image (caught by the container target, which says what next). */
export class PullError extends HarnessError {
  readonly code = "RH_IMAGE_PULL";
  readonly kind = "startup";
}

/**
 * The host to reach the engine's published ports at, from testcontainers' answer. testcontainers
 * answers the bridge network's gateway whenever /.dockerenv exists, assuming the engine runs
 * outside this container. When that gateway is one of this machine's own addresses, the engine
 * shares this network namespace (dockerd started inside the container, as CI does) and its
 * loopback publications are on this 127.0.0.1: answering the gateway would be refused.
 */
export async function reachableEngineHost(host: string): Promise<string> {
  return isIP(host) !== 0 && (await isOwnAddress(host)) ? "127.0.0.1" : host;
}

/**
 * Whether `address` is assigned to this machine: only then can a socket bind to it. (Not
 * os.networkInterfaces(): it omits interfaces without carrier, such as docker0 with no
 * container attached.)
 */
function isOwnAddress(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ host: address, port: 0, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Whether the engine has the image; if not, pulls it (bounded). Throws PullError on failure. */
export async function ensureImage(client: Client, image: string, timeoutMs: number): Promise<"present" | "pulled"> {
  const docker = client.container.dockerode;
  if (await imageExists(client, image)) return "present";
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        docker.pull(image, {}, (err: Error | null, stream?: NodeJS.ReadableStream) => {
          if (err || !stream) return reject(err ?? new Error("no pull stream"));
          // Errors after the pull started (unknown tag, denied) arrive in the stream, not as err.
          docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()));
        });
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    throw new PullError(oneLine((err as Error).message));
  } finally {
    clearTimeout(timer);
  }
  if (!(await imageExists(client, image))) throw new PullError("the pull ended without the image");
  return "pulled";
}

async function imageExists(client: Client, image: string): Promise<boolean> {
  try {
    await client.container.dockerode.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * testcontainers' reaper (ryuk) removes containers when the harness dies, but its image must be
 * present or pullable. When it is neither, run without it (the variable testcontainers reads) and
 * rely on our own clean-up: signals, failed starts, and `rerank-harness cleanup` after a kill -9.
 */
export async function ensureReaper(client: Client, log: (line: string) => void, timeoutMs: number): Promise<boolean> {
  if (process.env["TESTCONTAINERS_RYUK_DISABLED"] === "true") return false;
  const image = await reaperImage();
  try {
    if ((await ensureImage(client, image, timeoutMs)) === "pulled") log(`pulled the testcontainers reaper image ${image}`);
    return true;
  } catch (err) {
    process.env["TESTCONTAINERS_RYUK_DISABLED"] = "true";
    log(
      `note: the testcontainers reaper image ${image} is not on this engine and could not be pulled (${(err as Error).message}); running without it: this run removes its containers itself, and \`rerank-harness cleanup\` removes those of killed runs`,
    );
    return false;
  }
}

/** The reaper image testcontainers would start (its RYUK_CONTAINER_IMAGE override included). */
export async function reaperImage(): Promise<string> {
  const { REAPER_IMAGE } = (await import("testcontainers/build/reaper/reaper.js")) as { REAPER_IMAGE: string };
  return REAPER_IMAGE;
}

/**
 * How this engine can give containers GPUs. `certain` is false for a remote engine: the hook's
 * presence on the daemon's PATH cannot be seen from here, so a GPU request is left to the engine.
 */
export async function engineGpuSupport(client: Client): Promise<{ support: GpuSupport; certain: boolean }> {
  const info = (await client.container.dockerode.info()) as EngineGpuInfo;
  const local = Boolean((client.container.dockerode.modem as { socketPath?: string }).socketPath);
  return { support: gpuSupportFrom(info, local && hookOnPath(daemonPath())), certain: local };
}

const HOOK = "nvidia-container-runtime-hook";
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Whether the NVIDIA runtime hook is in one of the folders of a PATH. */
export function hookOnPath(path: string): boolean {
  return path.split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, HOOK)));
}

/** The local dockerd's PATH when readable (/proc/PID/environ), else the usual system PATH plus ours. */
function daemonPath(): string {
  try {
    const pid = readFileSync("/var/run/docker.pid", "utf8").trim();
    const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    const path = env.find((e) => e.startsWith("PATH="));
    if (path) return path.slice(5);
  } catch {
    // not readable (another user's daemon, rootless, not Linux): fall back
  }
  return `${DEFAULT_PATH}${delimiter}${process.env["PATH"] ?? ""}`;
}

/** A container found by label, as the engine lists it. */
export interface LabelledContainer {
  id: string;
  state: string;
  image: string;
  labels: Record<string, string>;
}

export async function containersWithLabel(client: Client, label: string, value?: string): Promise<LabelledContainer[]> {
  const list = await client.container.dockerode.listContainers({ all: true, filters: { label: [value === undefined ? label : `${label}=${value}`] } });
  return list.map((c) => ({ id: c.Id, state: c.State, image: c.Image, labels: c.Labels }));
}

/** Force-removes containers (and their anonymous volumes); ones already gone are fine. */
export async function removeContainers(client: Client, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      try {
        await client.container.dockerode.getContainer(id).remove({ force: true, v: true });
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status !== 404 && status !== 409) throw err; // 409: removal already in progress
      }
    }),
  );
}

/** How a container ended, when it has. */
export interface ContainerExit {
  id: string;
  exitCode: number;
  oomKilled: boolean;
  error: string;
}

/** The exit of the container carrying `label=value`, once it has exited (undefined while running or not yet created). */
export async function exitedContainer(client: Client, label: string, value: string): Promise<ContainerExit | undefined> {
  const [c] = await containersWithLabel(client, label, value);
  if (!c || (c.state !== "exited" && c.state !== "dead")) return undefined;
  const inspect = await client.container.dockerode.getContainer(c.id).inspect();
  return { id: c.id, exitCode: inspect.State.ExitCode, oomKilled: inspect.State.OOMKilled, error: inspect.State.Error };
}

/** The container's output so far (stdout and stderr, de-multiplexed), its last `lines` lines. */
export async function containerOutput(client: Client, id: string, lines: number): Promise<string> {
  const raw = (await client.container.dockerode.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
  return demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
}

/** Docker's log stream for containers without a TTY: 8-byte frame headers (stream, 0, 0, 0, size). */
export function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length && buf[at]! <= 2 && buf[at + 1] === 0 && buf[at + 2] === 0 && buf[at + 3] === 0) {
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  if (at === 0) return buf.toString("utf8"); // a TTY container: plain text
  return Buffer.concat(parts).toString("utf8");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
