import { readFileSync } from "node:fs";

/**
 * Notices when the process that started the harness goes away, so that a run whose launcher was
 * killed does not go on as an orphan holding its containers (and GPUs) until a time-out.
 *
 * Why not just `process.ppid`: `npx rerank-harness …` runs the CLI through npm's `sh -c`, and that
 * shell stays between npx and Node. When CI cancels a job by killing npx, the shell lives on, so
 * the harness's parent (the shell) never changes. What the launchers share is the process group:
 * npx, its `sh -c` and a CI step's shell all run in the job's group (neither npm nor a
 * non-interactive shell starts a new one). So on Linux the harness watches every ancestor in its
 * own process group (pid and start time from /proc, so a reused pid is not mistaken for the
 * original), and reports the first one that is gone or a zombie; it also watches its own parent
 * changing (reparented to init or a subreaper). A harness that leads its own group or session
 * (started by an interactive shell's job control, `setsid`, or a detached spawn) has no such
 * ancestors and is not watched: those are the ways to run it on purpose beyond its parent.
 * Elsewhere (no /proc) only the direct parent is watched.
 */

/** How often the ancestors are looked at: a few small /proc reads. */
export const PARENT_POLL_MS = 1_000;
/** Set to `off` (or `0`, `false`) to keep a run going after the process that started it ends. */
export const PARENT_WATCH_ENV = "RERANK_HARNESS_PARENT_WATCH";

export interface ProcStat {
  pid: number;
  /** The executable's name as the kernel has it (at most 15 characters). */
  comm: string;
  /** R, S, D, Z (zombie), X (dead), … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Start time in clock ticks since boot: with the pid, names one process. */
  starttime: string;
}

/** /proc/PID/stat parsed (the name may hold spaces and parentheses: it ends at the last ")"). */
export function readStat(pid: number | "self"): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  // Fields after the name, from field 3 (state); starttime is field 22.
  const f = text.slice(close + 2).split(" ");
  if (f.length < 20) return undefined;
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0]!,
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    starttime: f[19]!,
  };
}

/** The ancestors of `self` in its own process group, nearest first (stops at pid 1). */
export function jobAncestors(self: ProcStat, read: typeof readStat = readStat): ProcStat[] {
  const out: ProcStat[] = [];
  let pid = self.ppid;
  while (pid > 1 && out.length < 64) {
    const s = read(pid);
    if (!s || s.pgrp !== self.pgrp) break;
    out.push(s);
    pid = s.ppid;
  }
  return out;
}

/** Whether the process recorded as `was` has ended (gone, a zombie, or its pid reused). */
export function ended(was: ProcStat, read: typeof readStat = readStat): boolean {
  const now = read(was.pid);
  return !now || now.starttime !== was.starttime || now.state === "Z" || now.state === "X";
}

export interface ParentWatch {
  /** What is watched, for diagnostics: e.g. ["sh (412)", "npm exec (410)"]. */
  watching: string[];
  stop: () => void;
}

/**
 * Calls `onGone` once, with a description such as "parent process 410 (npm exec)", when a watched
 * ancestor ends. Returns undefined when there is nothing to watch or the watch is switched off.
 * The timer never keeps the process alive.
 */
export function watchParent(onGone: (who: string) => void, o: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {}): ParentWatch | undefined {
  const setting = (o.env ?? process.env)[PARENT_WATCH_ENV]?.toLowerCase();
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  const firstPpid = process.ppid;
  const self = readStat("self");
  const ancestors = self ? jobAncestors(self) : [];
  // Linux: only within the job (see above); elsewhere: the direct parent, unless already init.
  const watchPpid = self ? ancestors.length > 0 : firstPpid > 1;
  if (!watchPpid) return undefined;
  const timer = setInterval(() => {
    let who: string | undefined;
    if (process.ppid !== firstPpid) who = `parent process ${firstPpid}`;
    for (const a of ancestors) {
      if (who) break;
      if (ended(a)) who = `${a.pid === firstPpid ? "parent" : "ancestor"} process ${a.pid} (${a.comm})`;
    }
    if (!who) return;
    clearInterval(timer);
    onGone(who);
  }, o.intervalMs ?? PARENT_POLL_MS);
  timer.unref();
  return {
    watching: self ? ancestors.map((a) => `${a.comm} (${a.pid})`) : [`parent (${firstPpid})`],
    stop: () => clearInterval(timer),
  };
}
