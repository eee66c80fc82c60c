/**
 * One place that stops what a run started when the harness is interrupted or exits: process
 * targets (their own process groups, which a terminal's Ctrl-C does not reach) and container
 * targets (which outlive the harness unless removed). Targets register a cleanup while they run
 * and unregister it once stopped.
 *
 * On SIGINT/SIGTERM every cleanup runs (bounded by CLEANUP_BUDGET_MS), then the harness exits
 * 130/143 as a shell does for a process killed by that signal; calls to process.exit meanwhile
 * are held back. A second signal while cleaning up
 * exits at once. On `exit` (a crash, or process.exit with targets still registered) only the
 * synchronous parts can run: that is also the safety net when another library's own signal
 * handler exits first (vitest's reporter, running `check`, exits 1 ms after SIGINT). A run whose
 * launcher died (parent-watch.ts) sends itself SIGTERM, so it goes through the same path.
 */
export interface Cleanup {
  /** What to say while cleaning up after a signal, e.g. "container abc123". */
  what: string;
  /** Runs on SIGINT/SIGTERM; awaited (within the budget) before the harness exits. */
  onSignal: () => Promise<void> | void;
  /** Runs on process exit: synchronous only (no event loop then). */
  onExit?: () => void;
}

/** How long cleanups may take after a signal before the harness exits anyway. */
export const CLEANUP_BUDGET_MS = 30_000;
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

const registered = new Set<Cleanup>();
let installed = false;
let interrupted: NodeJS.Signals | undefined;

/** Registers a cleanup until the returned function is called (idempotent). */
export function registerCleanup(cleanup: Cleanup): () => void {
  install();
  registered.add(cleanup);
  return () => void registered.delete(cleanup);
}

/**
 * Stops the run exactly as a SIGTERM does (clean-ups, then exit 143), for a run whose parent went
 * away (see parent-watch.ts): the harness sends itself SIGTERM, so every SIGTERM handler runs.
 */
export function stopAsOnSigterm(reason: string): void {
  install();
  // The terminal or pipe the launcher held may be gone too: a failed write must not end the clean-up.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
  process.stderr.write(`${reason} ended: stopping this run as on SIGTERM\n`);
  process.kill(process.pid, "SIGTERM");
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once("exit", () => {
    for (const c of registered) {
      try {
        c.onExit?.();
      } catch {
        // best effort: the process is going away
      }
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void onSignal(signal));
}

async function onSignal(signal: keyof typeof SIGNAL_EXIT_CODES): Promise<void> {
  const code = SIGNAL_EXIT_CODES[signal];
  if (interrupted) {
    process.stderr.write(`${signal} again: exiting without waiting for clean-up\n`);
    process.exit(code);
  }
  interrupted = signal;
  // Until the clean-up is done, nobody else ends the process: the command's own flow (its target
  // just vanished) or another library's signal handler would otherwise exit first, with their code.
  const exit = process.exit.bind(process);
  process.exit = (() => undefined) as unknown as typeof process.exit;
  const pending = [...registered];
  if (pending.length > 0) process.stderr.write(`${signal}: stopping ${pending.map((c) => c.what).join(", ")}\n`);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(pending.map(async (c) => c.onSignal())), new Promise((resolve) => (timer = setTimeout(resolve, CLEANUP_BUDGET_MS)))]);
  clearTimeout(timer);
  exit(code);
}
