import "server-only";
import { randomUUID } from "node:crypto";
import { getConnection } from "@/lib/db/queries/connection";
import { acquireLease, releaseLease } from "@/lib/db/queries/tokens";
import type { Connection } from "@/lib/db/schema";
import { getEnv, type Env } from "@/lib/env";
import type { ErrorCode } from "@/lib/error-codes";
import { AppError } from "@/lib/errors";
import { refreshForKeepalive, resolveDanglingRefresh, type DanglingIntentOutcome, type TokenHooks } from "./tokens";

/**
 * Periodic work of the server process. Keep-alive: amoCRM revokes a refresh token unused for three months (contract
 * §3.3, §9.5), so the server refreshes once the last refresh is older than AMOCRM_KEEPALIVE_DAYS. Exactly one process
 * does it at a time (a lease in `leases`). `npm run amocrm:refresh` runs the same once, for cron.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const JOB_INTERVAL_MS = 5 * 60_000;
const KEEPALIVE_LEASE = "amocrm-keepalive";
// Longer than one refresh can take (a few 15-second calls); a dead holder blocks the job this long at most.
const KEEPALIVE_LEASE_TTL_MS = 2 * 60_000;

type KeepaliveFields = Pick<
  Connection,
  "mode" | "refreshTokenEnc" | "state" | "lastRefreshAt" | "connectedAt" | "updatedAt" | "nextRetryAt"
>;

/**
 * When the keep-alive refresh is due: the last refresh + AMOCRM_KEEPALIVE_DAYS, or later while a backoff wait runs.
 * Null when there is nothing to keep alive (no refresh token, long-lived mode, needs_reauth, revoked). Pure.
 */
export function nextKeepaliveAt(connection: KeepaliveFields | undefined, env: Pick<Env, "keepaliveDays">): Date | null {
  if (!connection || connection.mode !== "oauth" || !connection.refreshTokenEnc) return null;
  if (connection.state === "needs_reauth" || connection.state === "revoked") return null;
  const since = connection.lastRefreshAt ?? connection.connectedAt ?? connection.updatedAt;
  const due = since.getTime() + env.keepaliveDays * DAY_MS;
  return new Date(Math.max(due, connection.nextRetryAt?.getTime() ?? 0));
}

export type KeepaliveOutcome =
  | { outcome: "refreshed"; accessTokenExpiresAt: Date | null }
  | { outcome: "not_due"; nextAt: Date }
  | { outcome: "skipped"; reason: "not_connected" | "long_lived" | "needs_reauth" | "revoked" }
  | { outcome: "busy" }
  | { outcome: "failed"; code: ErrorCode };

function skipReason(connection: Connection | undefined): (KeepaliveOutcome & { outcome: "skipped" })["reason"] | null {
  if (connection?.state === "revoked") return "revoked";
  if (connection?.state === "needs_reauth") return "needs_reauth";
  if (!connection?.accessTokenEnc) return "not_connected";
  if (connection.mode === "long_lived") return "long_lived";
  if (!connection.refreshTokenEnc) return "not_connected";
  return null;
}

/** One keep-alive check: refreshes when due, under the `leases` lease so only one process does it. */
export async function runKeepalive({ now = new Date(), hooks }: { now?: Date; hooks?: TokenHooks } = {}): Promise<KeepaliveOutcome> {
  const owner = `keepalive:${process.pid}:${randomUUID()}`;
  if (!acquireLease({ name: KEEPALIVE_LEASE, owner, now: new Date(), ttlMs: KEEPALIVE_LEASE_TTL_MS })) return { outcome: "busy" };
  try {
    const connection = getConnection();
    const reason = skipReason(connection);
    if (reason) return { outcome: "skipped", reason };
    const nextAt = nextKeepaliveAt(connection, getEnv());
    if (!nextAt) return { outcome: "skipped", reason: "not_connected" };
    if (nextAt.getTime() > now.getTime()) return { outcome: "not_due", nextAt };
    const token = await refreshForKeepalive({ now, hooks });
    return { outcome: "refreshed", accessTokenExpiresAt: token.accessTokenExpiresAt };
  } catch (error) {
    if (error instanceof AppError) return { outcome: "failed", code: error.code };
    throw error;
  } finally {
    releaseLease({ name: KEEPALIVE_LEASE, owner });
  }
}

export interface MaintenanceResult {
  dangling: DanglingIntentOutcome;
  keepalive: KeepaliveOutcome;
}

/** What the timer and `npm run amocrm:refresh` do: resolve an interrupted refresh, then keep the token alive. */
export async function runTokenMaintenance({ now = new Date(), hooks }: { now?: Date; hooks?: TokenHooks } = {}): Promise<MaintenanceResult> {
  const dangling = await resolveDanglingRefresh({ now, hooks });
  const keepalive = await runKeepalive({ now, hooks });
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
