import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { SESSION_WORKER_SOURCE } from "./session-worker.js";
import type { OnnxruntimeInfo } from "../util/optional-deps.js";

/** What a session's host says back (see session-worker.ts). */
export interface HostMessage {
  id?: number;
  ready?: boolean;
  inputNames?: string[];
  fatal?: string;
  logits?: Float32Array;
  dims?: number[];
  error?: string;
  skipped?: boolean;
  released?: boolean;
}

export interface Guest {
  onMessage: (msg: HostMessage) => void;
  onFailure: (err: Error) => void;
}

/**
 * Where one session runs, apart from the HTTP thread: a worker thread, or a child process for a
 * runtime whose binding loads in one thread per process (loadsInEveryThread). Either ends with its
 * session (detach).
 */
export interface SessionHost {
  /** Whether a SharedArrayBuffer reaches the session (a thread): cancel flags go there, else as messages. */
  readonly sharesMemory: boolean;
  attach(guest: Guest): void;
  post(msg: object, transfer?: ArrayBuffer[]): void;
  detach(): Promise<void>;
}

/** A host of its own for one session, on the runtime `ort`. */
export function hostFor(ort: OnnxruntimeInfo): SessionHost {
  return loadsInEveryThread(ort) ? new WorkerHost(ort.path) : new ProcessHost(ort.path);
}

/**
 * Whether a runtime's binding may be loaded by several worker threads at once: known for 1.30
 * (this repository's tests run sessions in parallel workers on it), known not for 1.17.0 (the
 * bundled one). Anything older than 1.30, or unknown, gets a process per session: a little more
 * start-up time and memory, never a load failure.
 */
export function loadsInEveryThread(ort: OnnxruntimeInfo): boolean {
  const [major = 0, minor = 0] = ort.version.split(".").map(Number);
  return ort.source === "peer" && (major > 1 || (major === 1 && minor >= 30));
}

/** Holds one guest; a host that fails or ends fails it once. */
abstract class OneGuestHost {
  private guest: Guest | undefined;

  attach(guest: Guest): void {
    this.guest = guest;
  }

  protected deliver(msg: HostMessage): void {
    this.guest?.onMessage(msg);
  }

  protected fail(err: Error): void {
    const guest = this.guest;
    this.guest = undefined;
    guest?.onFailure(err);
  }

  async detach(): Promise<void> {
    this.guest = undefined;
    await this.end();
  }

  protected abstract end(): Promise<void>;
}

class WorkerHost extends OneGuestHost implements SessionHost {
  readonly sharesMemory = true;
  private readonly worker: Worker;

  constructor(ortPath: string) {
    super();
    this.worker = new Worker(SESSION_WORKER_SOURCE, { eval: true, workerData: { ortPath } });
    this.worker.on("message", (msg: HostMessage) => this.deliver(msg));
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", () => this.fail(new Error("inference worker exited")));
  }

  post(msg: object, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(msg, transfer);
  }

  protected async end(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * A child process of its own (`node -e` on the same source; structured-clone IPC, so typed arrays
 * cross as they are). It exits when this process goes, however it goes: its IPC channel closes.
 */
class ProcessHost extends OneGuestHost implements SessionHost {
  readonly sharesMemory = false;
  private readonly child: ChildProcess;

  constructor(ortPath: string) {
    super();
    this.child = spawn(process.execPath, ["-e", SESSION_WORKER_SOURCE, ortPath], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    this.child.on("message", (msg: HostMessage) => this.deliver(msg));
    this.child.on("error", (err) => this.fail(err));
    this.child.on("exit", (code, signal) => this.fail(new Error(`inference process exited (${signal ?? `code ${code}`})`)));
  }

  post(msg: object): void {
    if (this.child.connected) this.child.send(msg);
  }

  protected async end(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, "exit");
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
  }
}
