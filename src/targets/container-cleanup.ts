import { hostname } from "node:os";
import { LABELS } from "./container-labels.js";
import type { LabelledContainer } from "./container-engine.js";
import { TargetStartError } from "./target.js";

/** Whether a process exists on this host (signal 0 only checks; EPERM: exists, not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface CleanupPlan {
  /** Containers whose run is gone: removed. */
  strays: LabelledContainer[];
  /** Containers of runs still alive on this host, or of runs on other hosts (kept unless --all). */
  kept: { container: LabelledContainer; why: string }[];
}

/**
 * Which labelled containers belong to runs that are gone: the run's pid no longer exists on this
 * host. Runs of another host (an engine shared over DOCKER_HOST) cannot be checked from here:
 * they are kept unless `all`.
 */
export function planCleanup(containers: LabelledContainer[], o: { all: boolean; host?: string; alive?: (pid: number) => boolean }): CleanupPlan {
  const host = o.host ?? hostname();
  const alive = o.alive ?? pidAlive;
  const plan: CleanupPlan = { strays: [], kept: [] };
  for (const c of containers) {
    const pid = Number(c.labels[LABELS.pid]);
    const sameHost = c.labels[LABELS.host] === host;
    if (o.all) plan.strays.push(c);
    else if (!sameHost) plan.kept.push({ container: c, why: `run on host ${c.labels[LABELS.host] ?? "?"}` });
    else if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) plan.kept.push({ container: c, why: `run of pid ${pid}, still running` });
    else plan.strays.push(c);
  }
  return plan;
}

/** `rerank-harness cleanup`: removes containers of killed runs; returns the lines to print. */
export async function cleanupContainers(o: { all: boolean; dryRun: boolean }): Promise<string[]> {
  const tc = await import("testcontainers");
  const { containersWithLabel, removeContainers } = await import("./container-engine.js");
  let client;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (err) {
    throw new TargetStartError(`no Docker engine available (${(err as Error).message}); start dockerd or set DOCKER_HOST`);
  }
  const plan = planCleanup(await containersWithLabel(client, LABELS.run), { all: o.all });
  if (!o.dryRun)
    await removeContainers(
      client,
      plan.strays.map((c) => c.id),
    );
  const verb = o.dryRun ? "would remove" : "removed";
  return [
    ...plan.strays.map(
      (c) => `${verb} ${c.id.slice(0, 12)} ${c.image} (${c.state}; pid ${c.labels[LABELS.pid] ?? "?"}, started ${c.labels[LABELS.started] ?? "?"})`,
    ),
    ...plan.kept.map(({ container: c, why }) => `kept ${c.id.slice(0, 12)} ${c.image} (${why}; --all removes it)`),
    `${verb} ${plan.strays.length} container(s) left by rerank-harness runs; kept ${plan.kept.length}`,
  ];
}
