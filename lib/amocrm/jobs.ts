import "server-only";
import { getConnection } from "@/lib/db/connection";
import { withLease } from "@/lib/db/lease";
import { getEnv } from "@/lib/env";
import type { ErrorCode } from "@/lib/error-codes";
import { AppError } from "@/lib/errors";
import { keepaliveSkipReason, nextKeepaliveAt, type KeepaliveSkipReason } from "./connection-state";
import { refreshForKeepalive, resolveDanglingRefresh, type DanglingIntentOutcome } from "./tokens";

/**
 * Periodic work of the server process. Keep-alive: amoCRM revokes a refresh token unused for three months
 * (docs/amocrm-contract.md §3.3, §9.5), so the server refreshes once the last refresh is older than AMOCRM_KEEPALIVE_DAYS (the schedule is
 * connection-state's nextKeepaliveAt). Exactly one process does it at a time (the `amocrm-keepalive` lease).
 * `npm run amocrm:refresh` runs the same once, for cron.
 */

const JOB_INTERVAL_MS = 5 * 60_000;
const KEEPALIVE_LEASE = "amocrm-keepalive";

export type KeepaliveOutcome =
  | { outcome: "refreshed"; accessTokenExpiresAt: Date | null }
  | { outcome: "not_due"; nextAt: Date }
  | { outcome: "skipped"; reason: KeepaliveSkipReason }
  | { outcome: "busy" }
  | { outcome: "failed"; code: ErrorCode };

async function keepaliveOnce(now: Date): Promise<KeepaliveOutcome> {
  try {
    const connection = await getConnection();
    const reason = keepaliveSkipReason(connection);
    if (reason) return { outcome: "skipped", reason };
    const nextAt = nextKeepaliveAt(connection, getEnv());
    if (!nextAt) return { outcome: "skipped", reason: "not_connected" };
    if (nextAt.getTime() > now.getTime()) return { outcome: "not_due", nextAt };
    const token = await refreshForKeepalive({ now });
    return { outcome: "refreshed", accessTokenExpiresAt: token.accessTokenExpiresAt };
  } catch (error) {
    if (error instanceof AppError) return { outcome: "failed", code: error.code };
    throw error;
  }
}

/** One keep-alive check: refreshes when due, under the keep-alive lease so only one process does it. */
export async function runKeepalive({ now = new Date() }: { now?: Date } = {}): Promise<KeepaliveOutcome> {
  const run = await withLease(KEEPALIVE_LEASE, () => keepaliveOnce(now));
  return run.acquired ? run.value : { outcome: "busy" };
}

export interface MaintenanceResult {
  dangling: DanglingIntentOutcome;
  keepalive: KeepaliveOutcome;
}

/** What the timer and `npm run amocrm:refresh` do: resolve an interrupted refresh, then keep the token alive. */
export async function runTokenMaintenance({ now = new Date() }: { now?: Date } = {}): Promise<MaintenanceResult> {
  const dangling = await resolveDanglingRefresh({ now });
  const keepalive = await runKeepalive({ now });
  return { dangling, keepalive };
}

// On globalThis so a second load of this module (dev reloads, several bundles) does not start a second timer.
const jobs = globalThis as unknown as { amocrmJobs?: { timer: NodeJS.Timeout; running: boolean } };

async function tick(): Promise<void> {
  const state = jobs.amocrmJobs;
  if (!state || state.running) return;
  state.running = true;
  try {
    const { dangling, keepalive } = await runTokenMaintenance();
    if (dangling.outcome === "recovered" || dangling.outcome === "failed") {
      console.info(`[amocrm] interrupted refresh: ${dangling.outcome}${dangling.outcome === "failed" ? ` (${dangling.code})` : ""}`);
    }
    if (keepalive.outcome === "refreshed") console.info("[amocrm] keep-alive refresh done");
    if (keepalive.outcome === "failed") console.warn(`[amocrm] keep-alive refresh failed: ${keepalive.code}`);
  } catch (error) {
    // Never let a background failure reach the process: log its kind, not its content (it could quote a value).
    console.error(`[amocrm] background token job failed: ${error instanceof Error ? error.name : typeof error}`);
  } finally {
    state.running = false;
  }
}

/**
 * Starts the periodic token job: once right away (an interrupted refresh from before a crash is resolved at start),
 * then every few minutes. The timers are unref'd, so they never keep the process alive, and nothing here throws.
 */
export function startBackgroundJobs({ intervalMs = JOB_INTERVAL_MS }: { intervalMs?: number } = {}): void {
  if (jobs.amocrmJobs) return;
  try {
    const timer = setInterval(() => void tick(), intervalMs);
    timer.unref();
    jobs.amocrmJobs = { timer, running: false };
    setTimeout(() => void tick(), 0).unref();
  } catch (error) {
    console.error(`[amocrm] background token job not started: ${error instanceof Error ? error.name : typeof error}`);
  }
}

export function stopBackgroundJobs(): void {
  if (!jobs.amocrmJobs) return;
  clearInterval(jobs.amocrmJobs.timer);
  jobs.amocrmJobs = undefined;
}
