import "server-only";
import { and, asc, desc, eq, inArray, lte, ne, sql } from "drizzle-orm";
import { planAlert, type AlertEvent, type PlannedRow } from "@/lib/alerts/events";
import { getEnv } from "@/lib/env";
import { readAlertSettings } from "./alert-settings";
import { affectedRows, firstRow, getDb, type Db, type Tx } from "./client";
import type { AlertDelivery } from "./schema";
import { alertDeliveries } from "./tables";
import { listTelegramChatsTx } from "./telegram-chats";
import { writeStatement, writeTransaction } from "./transaction";

/**
 * The alert queue: deliveries per channel target, written in the same transaction as the happening they announce
 * (a connection state change, a lead given up), planned by lib/alerts/events.ts, claimed and sent by the alert
 * worker. A channel target's failures only reschedule its own rows: the others, and the lead queue, go on.
 */

export type AlertChannel = AlertDelivery["channel"];

interface Target {
  channel: AlertChannel;
  target: string;
}

/** Where an alert goes right now: every configured channel, each bound Telegram chat on its own. */
async function targetsOf(db: Db | Tx): Promise<Target[]> {
  const env = getEnv();
  const settings = await readAlertSettings(db);
  const targets: Target[] = [];
  if (settings.webhookUrl && settings.hasWebhookSecret) targets.push({ channel: "webhook", target: "" });
  if (env.telegramBotToken) for (const chat of await listTelegramChatsTx(db)) targets.push({ channel: "telegram", target: chat.chatId });
  if (env.smtpUrl && env.alertEmailFrom && settings.emailRecipients.length > 0) targets.push({ channel: "email", target: "" });
  return targets;
}

function parseDetail(value: string | null): Record<string, string | number> {
  if (!value) return {};
  try {
    return JSON.parse(value) as Record<string, string | number>;
  } catch {
    return {};
  }
}

async function historyOf(db: Db | Tx, { channel, target }: Target, event: AlertEvent): Promise<{ rows: PlannedRow[]; dedupeSeen: boolean }> {
  const kinds = event.kind === "connection_restored" ? ["connection_lost", "connection_restored"] : [event.kind];
  const rows = (
    await db
      .select()
      .from(alertDeliveries)
      .where(and(eq(alertDeliveries.channel, channel), eq(alertDeliveries.target, target), inArray(alertDeliveries.kind, kinds), ne(alertDeliveries.status, "cancelled")))
      .orderBy(desc(alertDeliveries.id))
      .limit(20)
  ).map((row) => ({ ...row, detail: parseDetail(row.detail) }));
  const dedupeSeen = event.dedupeKey
    ? firstRow(
        await db
          .select({ id: alertDeliveries.id })
          .from(alertDeliveries)
          .where(and(eq(alertDeliveries.channel, channel), eq(alertDeliveries.target, target), eq(alertDeliveries.kind, event.kind), eq(alertDeliveries.dedupeKey, event.dedupeKey), ne(alertDeliveries.status, "cancelled")))
          .limit(1),
      ) !== undefined
    : false;
  return { rows, dedupeSeen };
}

/**
 * Records an alert event for every current target inside the caller's transaction; returns how many deliveries
 * were queued or changed (the caller wakes the worker when any were). `except` leaves one channel out (an alert
 * about that channel failing goes through the others).
 */
export async function enqueueAlertEventTx(tx: Tx, event: AlertEvent, { except }: { except?: AlertChannel } = {}): Promise<number> {
  let changed = 0;
  for (const target of await targetsOf(tx)) {
    if (target.channel === except) continue;
    const plan = planAlert(event, await historyOf(tx, target, event));
    if (plan.action === "skip") continue;
    changed += 1;
    if (plan.action === "merge") {
      await tx
        .update(alertDeliveries)
        .set({
          occurrences: plan.occurrences,
          detail: JSON.stringify(plan.detail),
          lastAt: event.at,
          ...(plan.state !== undefined ? { state: plan.state } : {}),
          // A worse state brings the waiting alert forward (lib/alerts/events.ts).
          ...(plan.nextAttemptAt ? { nextAttemptAt: plan.nextAttemptAt } : {}),
        })
        .where(and(eq(alertDeliveries.id, plan.id), eq(alertDeliveries.status, "queued")));
      continue;
    }
    await tx.insert(alertDeliveries).values({
        channel: target.channel,
        target: target.target,
        kind: event.kind,
        dedupeKey: event.dedupeKey ?? null,
        occurrences: plan.occurrences,
        state: event.state ?? null,
        previousState: event.previousState ?? null,
        detail: JSON.stringify(plan.detail),
        firstAt: event.at,
        lastAt: event.at,
        nextAttemptAt: plan.nextAttemptAt,
        createdAt: event.at,
      });
  }
  return changed;
}

/** The same in its own write transaction, for events that are not part of another write. */
export async function enqueueAlertEvent(event: AlertEvent, options: { except?: AlertChannel } = {}): Promise<number> {
  return writeTransaction((tx) => enqueueAlertEventTx(tx, event, options));
}

export interface ClaimedAlert extends Omit<AlertDelivery, "detail"> {
  detail: Record<string, string | number>;
}

/** Claims the due deliveries, oldest first, for this worker. */
export async function claimDueAlerts({ owner, limit, now }: { owner: string; limit: number; now: Date }): Promise<ClaimedAlert[]> {
  // One writer at a time on either engine (SQLite's write lock, PostgreSQL's writer advisory lock), and the update
  // only takes rows still `queued`: two instances never claim the same delivery, whichever wins the race.
  //
  // Not `FOR UPDATE SKIP LOCKED` as the lead claim is, on purpose. SKIP LOCKED lets several claimers work in
  // parallel, and the alert queue has one claimer: the worker holding the `alert-worker` lease (lib/alerts/worker.ts),
  // so it would gain nothing. And it would lose occurrences: enqueueAlertEventTx reads a waiting delivery and then
  // folds the new occurrence into it `where status = 'queued'`; a claim outside the writer lock could commit between
  // that read and that update, which would then change nothing. Under the writer lock the claim waits for the
  // enqueue, or the enqueue sees the claimed row and queues a new delivery (tests/unit/db-engines.test.ts, "never
  // loses an alert folded into a waiting delivery").
  const claimed = await writeTransaction(async (tx) => {
    const due = (
      await tx
        .select({ id: alertDeliveries.id })
        .from(alertDeliveries)
        .where(and(eq(alertDeliveries.status, "queued"), lte(alertDeliveries.nextAttemptAt, now)))
        .orderBy(asc(alertDeliveries.nextAttemptAt), asc(alertDeliveries.id))
        .limit(limit)
    ).map((row) => row.id);
    if (due.length === 0) return [];
    return tx
      .update(alertDeliveries)
      .set({ status: "sending", claimedBy: owner, attempts: sql`${alertDeliveries.attempts} + 1` })
      .where(and(inArray(alertDeliveries.id, due), eq(alertDeliveries.status, "queued")))
      .returning();
  });
  return claimed
    .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id)
    .map((row) => ({ ...row, detail: parseDetail(row.detail) }));
}

/** Rows a stopped worker left `sending` go back to the queue (an alert may then arrive twice, never not at all). */
export async function requeueStrandedAlerts({ now }: { now: Date }): Promise<number> {
  return affectedRows(await writeStatement((db) => db.update(alertDeliveries).set({ status: "queued", claimedBy: null, nextAttemptAt: now }).where(eq(alertDeliveries.status, "sending"))));
}

export async function markAlertSent({ id, now }: { id: number; now: Date }): Promise<void> {
  await writeStatement((db) => db.update(alertDeliveries).set({ status: "sent", sentAt: now, claimedBy: null, lastErrorCode: null }).where(eq(alertDeliveries.id, id)));
}

/** A failed attempt: queued again at `retryAt`, or given up (`dead`) when null. */
export async function markAlertFailed({ id, code, retryAt, now }: { id: number; code: string; retryAt: Date | null; now: Date }): Promise<void> {
  await writeStatement((db) =>
    db
      .update(alertDeliveries)
      .set({ status: retryAt ? "queued" : "dead", nextAttemptAt: retryAt ?? now, claimedBy: null, lastErrorCode: code, lastErrorAt: now })
      .where(eq(alertDeliveries.id, id)),
  );
}

/** Waiting deliveries of a channel are dropped (the channel was turned off or pointed elsewhere). */
export async function cancelQueuedAlertsTx(tx: Db | Tx, { channel }: { channel: AlertChannel }): Promise<void> {
  await tx.update(alertDeliveries).set({ status: "cancelled" }).where(and(eq(alertDeliveries.channel, channel), eq(alertDeliveries.status, "queued")));
}

export async function cancelQueuedAlerts({ channel }: { channel: AlertChannel }): Promise<void> {
  await writeStatement((db) => cancelQueuedAlertsTx(db, { channel }));
}

/** When the next queued delivery is due, or null: the worker sleeps until then (or until woken). */
export async function nextAlertDueAt(): Promise<Date | null> {
  const row = firstRow(
    await getDb().select({ at: alertDeliveries.nextAttemptAt }).from(alertDeliveries).where(eq(alertDeliveries.status, "queued")).orderBy(asc(alertDeliveries.nextAttemptAt)).limit(1),
  );
  return row?.at ?? null;
}

/** Every delivery, newest first: for tests and diagnostics. */
export async function listAlertDeliveries({ limit = 100 }: { limit?: number } = {}): Promise<ClaimedAlert[]> {
  return (await getDb().select().from(alertDeliveries).orderBy(desc(alertDeliveries.id)).limit(limit)).map((row) => ({ ...row, detail: parseDetail(row.detail) }));
}
