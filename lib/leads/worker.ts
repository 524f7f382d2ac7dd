import "server-only";
import { leaseProcessId, tryAcquireLease, type Lease } from "@/lib/db/lease";
import { deliveryRunsInParallel, requeueStrandedLeads } from "@/lib/db/leads";
import { pause } from "@/lib/wakeable-pause";
import { runDeliveryRound } from "./outbox";
import { onLeadQueued } from "./wake";

/**
 * The lead delivery loop inside the server process: started with the server (instrumentation), woken at once by a
 * new lead and otherwise polling. On SIGTERM it claims nothing more; a batch in flight is not cut short, and anything
 * a dead worker left `sending` is looked up in amoCRM before it is sent again.
 *
 * On SQLite one worker at a time runs, across every process sharing the file (the `lead-worker` lease). On
 * PostgreSQL every instance runs one, under a lease of its own (`lead-worker:<process>`) that says it is alive: the
 * workers claim disjoint batches (FOR UPDATE SKIP LOCKED), and each round puts back what a worker whose lease has
 * expired left `sending`.
 */

const LEASE_NAME = "lead-worker";
const IDLE_POLL_MS = 1_000;
const LEASE_RETRY_MS = 2_000;
/** How often a parallel worker looks for leads a stopped instance left mid-send. */
const STRANDED_CHECK_MS = 5_000;

interface WorkerState {
  stopping: boolean;
  wake: (() => void) | null;
  done: Promise<void>;
  unsubscribe: () => void;
}

// On globalThis: Next may load this module more than once per process; there must be one loop.
const registry = globalThis as unknown as { amocrmLeadWorker?: WorkerState };

export function startLeadWorker(): void {
  if (registry.amocrmLeadWorker) return;
  const state: WorkerState = { stopping: false, wake: null, done: Promise.resolve(), unsubscribe: () => undefined };
  state.unsubscribe = onLeadQueued(() => state.wake?.());
  registry.amocrmLeadWorker = state;
  state.done = loop(state).catch((error: unknown) => {
    console.error(`[leads] delivery worker stopped: ${error instanceof Error ? error.name : typeof error}`);
  });
  process.once("SIGTERM", () => void stopLeadWorker());
}

/** Stops claiming; resolves when the current round has finished and the lease is released. */
export async function stopLeadWorker(): Promise<void> {
  const state = registry.amocrmLeadWorker;
  if (!state) return;
  state.stopping = true;
  state.wake?.();
  state.unsubscribe();
  await state.done;
  registry.amocrmLeadWorker = undefined;
}

async function loop(state: WorkerState): Promise<void> {
  while (!state.stopping) {
    let lease: Lease | null = null;
    const parallel = deliveryRunsInParallel();
    try {
      lease = await tryAcquireLease(parallel ? `${LEASE_NAME}:${leaseProcessId()}` : LEASE_NAME);
    } catch {
      // The database is unavailable for now; try again shortly.
    }
    if (!lease) {
      // While another process delivers, waking on every lead would try the lease (a write) once per lead.
      await pause(state, LEASE_RETRY_MS, { wakeOnSignal: false });
      continue;
    }
    try {
      let strandedCheckedAt = 0;
      while (!state.stopping && !lease.signal.aborted) {
        // Once on taking the lease; and, where workers run side by side, every few seconds (another may stop).
        if (strandedCheckedAt === 0 || (parallel && Date.now() - strandedCheckedAt >= STRANDED_CHECK_MS)) {
          strandedCheckedAt = Date.now();
          const stranded = await requeueStrandedLeads({ now: new Date(), keepLiveClaims: parallel });
          if (stranded > 0) console.warn(`[leads] ${stranded} lead(s) were left mid-send by a stopped worker; looking them up before resending`);
        }
        let busy = false;
        try {
          busy = (await runDeliveryRound({ owner: lease.owner, signal: lease.signal })).busy;
        } catch (error) {
          // A round never takes the loop down: log the kind of failure (never its content) and carry on.
          console.error(`[leads] delivery round failed: ${error instanceof Error ? error.name : typeof error}`);
        }
        if (!busy) await pause(state, IDLE_POLL_MS);
      }
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
}
