import "server-only";
import { pause } from "@/lib/wakeable-pause";
import { CHANNEL_FAILING_AFTER, HELD_ALERT_AFTER_MS, MAX_ALERT_ATTEMPTS, REFRESH_TOKEN_WARNING_MS, alertRetryDelayMs } from "./events";
import { recordChannelFailure, recordChannelSuccess } from "@/lib/db/alert-channel-health";
import { claimDueAlerts, enqueueAlertEvent, markAlertFailed, markAlertSent, requeueStrandedAlerts, type ClaimedAlert } from "@/lib/db/alert-deliveries";
import { getAlertSettings } from "@/lib/db/alert-settings";
import { getConnection } from "@/lib/db/connection";
import { tryAcquireLease, type Lease } from "@/lib/db/lease";
import { findLongHeldLeads } from "@/lib/db/leads";
import { sendToTarget } from "./deliver";
import { failureDetail, renderAlert, type AlertMessage } from "./message";
import { notifyAlertQueued, onAlertQueued } from "./wake";

/**
 * The alert delivery loop, beside the lead worker and like it: started with the server, one holder across every
 * process (the `alert-worker` lease), woken at once by a queued alert and otherwise polling every two seconds, so an
 * alert leaves within seconds of its event. Each due delivery is sent on its own, and the loop does not wait for the
 * sends it started: a channel that fails or hangs (10 s at most, lib/alerts/deliver.ts) reschedules only its own rows
 * with backoff while later alerts reach the other channels, and it never touches the lead queue (its own loop and
 * lease). Every half minute it also looks for the happenings nothing else announces: a refresh token that dies
 * within 7 days, leads held longer than 15 minutes. Being the one claimer is also why its claim needs no SKIP LOCKED
 * on PostgreSQL (see claimDueAlerts).
 */

const LEASE_NAME = "alert-worker";
const IDLE_POLL_MS = 2_000;
const LEASE_RETRY_MS = 2_000;
const CHECK_EVERY_MS = 30_000;
const BATCH = 20;

export async function checkConditions(now: Date): Promise<number> {
  let queued = 0;
  const connection = await getConnection();
  const expiresAt = connection?.refreshTokenExpiresAt;
  if (connection && expiresAt && connection.mode === "oauth" && (connection.state === "connected" || connection.state === "degraded")) {
    const left = expiresAt.getTime() - now.getTime();
    if (left > 0 && left <= REFRESH_TOKEN_WARNING_MS) {
      queued += await enqueueAlertEvent({ kind: "refresh_token_expiring", at: now, state: connection.state, dedupeKey: expiresAt.toISOString(), detail: { expiresAt: expiresAt.toISOString() } });
    }
  }
  const held = await findLongHeldLeads({ before: new Date(now.getTime() - HELD_ALERT_AFTER_MS) });
  if (held.count > 0 && held.since) {
    queued += await enqueueAlertEvent({ kind: "leads_held", at: now, state: connection?.state ?? null, dedupeKey: held.since.toISOString(), detail: { count: held.count, since: held.since.toISOString() } });
  }
  return queued;
}

export function messageOf(row: ClaimedAlert, locale: Parameters<typeof renderAlert>[1]): AlertMessage {
  return renderAlert({ kind: row.kind as ClaimedAlert["kind"] & Parameters<typeof renderAlert>[0]["kind"], state: row.state, previousState: row.previousState, occurrences: row.occurrences, detail: row.detail, firstAt: row.firstAt, lastAt: row.lastAt }, locale);
}

async function deliver(row: ClaimedAlert, locale: Parameters<typeof renderAlert>[1], now: () => Date): Promise<boolean> {
  let result;
  try {
    result = await sendToTarget(row.channel, row.target, messageOf(row, locale));
  } catch (error) {
    console.error(`[alerts] ${row.channel} send failed: ${error instanceof Error ? error.name : typeof error}`);
    result = { ok: false as const, code: "network_error" as const };
  }
  if (result.ok) {
    await markAlertSent({ id: row.id, now: now() });
    await recordChannelSuccess({ channel: row.channel, now: now() });
    return true;
  }
  const retryAt = row.attempts >= MAX_ALERT_ATTEMPTS ? null : new Date(now().getTime() + alertRetryDelayMs(row.attempts, result.retryAfterSeconds));
  await markAlertFailed({ id: row.id, code: result.code, retryAt, now: now() });
  const failures = await recordChannelFailure({ channel: row.channel, code: result.code, detail: failureDetail(result), now: now() });
  // Logged by kind only: a reason may name a host, never a secret, but the log does not need even that.
  console.warn(`[alerts] ${row.kind} through ${row.channel} failed (${result.code}${result.status ? ` ${result.status}` : ""}); ${retryAt ? "will retry" : "given up"}`);
  if (failures === CHANNEL_FAILING_AFTER) {
    const detail: Record<string, string | number> = { ...failureDetail(result), channel: row.channel, code: result.code, failures };
    if (await enqueueAlertEvent({ kind: "channel_failing", at: now(), detail }, { except: row.channel })) notifyAlertQueued();
  }
  return false;
}

export interface AlertRoundResult {
  claimed: number;
  sent: number;
}

/** One round: claim what is due and send each on its own; resolves when every send of the round has ended. */
export async function runAlertRound({ owner, now = () => new Date() }: { owner: string; now?: () => Date }): Promise<AlertRoundResult> {
  const claimed = await claimDueAlerts({ owner, limit: BATCH, now: now() });
  if (claimed.length === 0) return { claimed: 0, sent: 0 };
  const { locale } = await getAlertSettings();
  const outcomes = await Promise.all(claimed.map((row) => deliver(row, locale, now)));
  return { claimed: claimed.length, sent: outcomes.filter(Boolean).length };
}

/**
 * The worker's round: claims what is due (as many as there is room for beside the sends still running) and starts
 * each send without waiting for it. A receiver that hangs until the deadline therefore holds only its own delivery:
 * the next poll, or the next queued alert, is claimed and sent to the other channels meanwhile. Returns how many
 * were claimed.
 */
async function startDueAlerts({ owner, inFlight }: { owner: string; inFlight: Set<Promise<void>> }): Promise<number> {
  const room = BATCH - inFlight.size;
  if (room <= 0) return 0;
  const claimed = await claimDueAlerts({ owner, limit: room, now: new Date() });
  if (claimed.length === 0) return 0;
  const { locale } = await getAlertSettings();
  for (const row of claimed) {
    const sending: Promise<void> = deliver(row, locale, () => new Date())
      .then(() => undefined)
      .catch((error: unknown) => console.error(`[alerts] delivery failed: ${error instanceof Error ? error.name : typeof error}`))
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }
  return claimed.length;
}

interface WorkerState {
  stopping: boolean;
  wake: (() => void) | null;
  done: Promise<void>;
  unsubscribe: () => void;
}

const registry = globalThis as unknown as { amocrmAlertWorker?: WorkerState };

export function startAlertWorker(): void {
  if (registry.amocrmAlertWorker) return;
  const state: WorkerState = { stopping: false, wake: null, done: Promise.resolve(), unsubscribe: () => undefined };
  state.unsubscribe = onAlertQueued(() => state.wake?.());
  registry.amocrmAlertWorker = state;
  state.done = loop(state).catch((error: unknown) => {
    console.error(`[alerts] worker stopped: ${error instanceof Error ? error.name : typeof error}`);
  });
  process.once("SIGTERM", () => void stopAlertWorker());
}

export async function stopAlertWorker(): Promise<void> {
  const state = registry.amocrmAlertWorker;
  if (!state) return;
  state.stopping = true;
  state.wake?.();
  state.unsubscribe();
  await state.done;
  registry.amocrmAlertWorker = undefined;
}

async function loop(state: WorkerState): Promise<void> {
  let lastCheck = 0;
  while (!state.stopping) {
    let lease: Lease | null = null;
    try {
      lease = await tryAcquireLease(LEASE_NAME);
    } catch {
      // The database is unavailable for now; try again shortly.
    }
    if (!lease) {
      // While another process sends alerts, waking on every queued alert would try the lease (a write) once per alert.
      await pause(state, LEASE_RETRY_MS, { wakeOnSignal: false });
      continue;
    }
    // Sends still running: on a stop the lease is released only after they end (each within the send deadline), so
    // the next holder does not find their rows `sending`, put them back and send them a second time.
    const inFlight = new Set<Promise<void>>();
    try {
      await requeueStrandedAlerts({ now: new Date() });
      while (!state.stopping && !lease.signal.aborted) {
        let busy = false;
        try {
          if (Date.now() - lastCheck >= CHECK_EVERY_MS) {
            lastCheck = Date.now();
            await checkConditions(new Date());
          }
          const room = BATCH - inFlight.size;
          busy = room > 0 && (await startDueAlerts({ owner: lease.owner, inFlight })) === room;
        } catch (error) {
          console.error(`[alerts] round failed: ${error instanceof Error ? error.name : typeof error}`);
        }
        if (!busy) await pause(state, IDLE_POLL_MS);
      }
    } finally {
      await Promise.allSettled(inFlight);
      await lease.release().catch(() => undefined);
    }
  }
}
