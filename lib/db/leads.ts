import "server-only";
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, not, or, sql, type SQL } from "drizzle-orm";
import type { AlertEvent } from "@/lib/alerts/events";
import type { LeadInput } from "@/lib/leads/input";
import type { LeadStatus, LeadTransition } from "@/lib/leads/delivery-outcome";
import { enqueueAlertEventTx } from "./alert-deliveries";
import { affectedRows, firstRow, getDb, getPostgresDb, isPostgres, type Tx } from "./client";
import { preparedQuery } from "./prepared";
import type { Lead } from "./schema";
import type * as postgresSchema from "./schema-postgres";
import { openSecret, sealSecret } from "./secret-columns";
import { apiKeys, deliveryState, idempotencyKeys, leads, leases } from "./tables";
import { writeStatement, writeTransaction } from "./transaction";

/**
 * The lead outbox: website leads stored before the site gets its 202, then claimed in batches by the one delivery
 * worker and moved through queued → sending → sent (or held, dead) by the decisions of lib/leads. Personal data is
 * one encrypted JSON value per row, erased after delivery plus the retention.
 */

/** What the lead's encrypted value holds. */
type LeadData = Omit<LeadInput, "source">;

const dataSlot = (id: string) => ({ table: "leads" as const, column: "data_enc" as const, rowId: id });

function sealData(id: string, input: LeadInput): string {
  const data: LeadData = { name: input.name, phone: input.phone, email: input.email, message: input.message, pageUrl: input.pageUrl, utm: input.utm };
  return sealSecret(dataSlot(id), JSON.stringify(data));
}

/** The lead's personal data, or null once erased. Throws DecryptionError when no configured key opens it. */
export function openLeadData(row: Pick<Lead, "id" | "dataEnc">): LeadData | null {
  return row.dataEnc ? (JSON.parse(openSecret(dataSlot(row.id), row.dataEnc)) as LeadData) : null;
}

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A key's "last used" is kept to this precision. */
export const LAST_USED_PRECISION_MS = 60_000;

export interface StoredAnswer {
  status: number;
  body: string;
}

export type AcceptOutcome =
  | { kind: "accepted"; answer: StoredAnswer }
  | { kind: "replayed"; answer: StoredAnswer }
  | { kind: "reused" };

export interface AcceptInput {
  id: string;
  apiKeyId: string;
  /** The key's last use as the caller read it, if it did: a key used within the minute is not written again. */
  keyLastUsedAt?: Date | null;
  lead: LeadInput;
  idempotency: { key: string; requestHash: string } | null;
  answer: (id: string) => StoredAnswer;
  now: Date;
}

/**
 * Stores a new lead, with its idempotency record when the site sent a key, in one write transaction: either the lead
 * and its replayable answer are both committed, or neither. A key seen within 24 hours answers the first answer
 * again (same body) or `reused` (another body), and stores nothing. Resolves only once the lead is committed.
 */
export async function acceptLead(input: AcceptInput): Promise<AcceptOutcome> {
  const dataEnc = sealData(input.id, input.lead);
  const idempotency = input.idempotency;
  if (!idempotency) return { kind: "accepted", answer: await commitWithGroup({ input, dataEnc }) };
  const { apiKeyId, now } = input;
  return writeTransaction(async (tx): Promise<AcceptOutcome> => {
    const earlier = firstRow(
      await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, idempotency.key))),
    );
    if (earlier && earlier.createdAt.getTime() > now.getTime() - IDEMPOTENCY_WINDOW_MS) {
      if (earlier.requestHash !== idempotency.requestHash) return { kind: "reused" };
      return { kind: "replayed", answer: { status: earlier.responseStatus, body: earlier.responseBody } };
    }
    if (earlier) await tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, idempotency.key)));
    const answer = await storeLead(tx, { input, dataEnc });
    await tx
      .insert(idempotencyKeys)
      .values({ apiKeyId, key: idempotency.key, requestHash: idempotency.requestHash, responseStatus: answer.status, responseBody: answer.body, createdAt: now });
    return { kind: "accepted", answer };
  });
}

interface SealedLead {
  input: AcceptInput;
  dataEnc: string;
}

/** What every accepted lead writes: its row, and its key's last use once a minute. */
async function storeLead(tx: Tx, { input, dataEnc }: SealedLead): Promise<StoredAnswer> {
  const { id, apiKeyId, keyLastUsedAt, lead, now } = input;
  await insertLeadQuery(tx).execute({ id, apiKeyId, source: lead.source, dataEnc, now });
  // A key's last use is shown to the minute: one write a minute is enough, not one per lead.
  const stale = new Date(now.getTime() - LAST_USED_PRECISION_MS);
  if (!keyLastUsedAt || keyLastUsedAt < stale) {
    await tx
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, apiKeyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
  }
  return input.answer(id);
}

/**
 * Group commit: the leads (without an Idempotency-Key) that arrive while the process's writer is busy are committed
 * together, in the next write transaction. Each caller still gets its answer only after the commit that holds its
 * lead, so a 202 still means stored; a burst pays for one commit (and one write of the pages it touched) instead of
 * one per lead. Should that transaction fail, every lead in it is refused alike (503): none is half stored.
 */
interface Waiting extends SealedLead {
  resolve: (answer: StoredAnswer) => void;
  reject: (error: unknown) => void;
}

// On globalThis: Next may load this module more than once per process, and the writer is the process's.
const group = globalThis as unknown as { amocrmLeadGroup?: Waiting[] };

function commitWithGroup(lead: SealedLead): Promise<StoredAnswer> {
  return new Promise((resolve, reject) => {
    const waiting = (group.amocrmLeadGroup ??= []);
    waiting.push({ ...lead, resolve, reject });
    if (waiting.length === 1) void commitGroup();
  });
}

async function commitGroup(): Promise<void> {
  let taken: Waiting[] = [];
  const take = () => {
    taken = group.amocrmLeadGroup ?? [];
    group.amocrmLeadGroup = undefined;
  };
  try {
    const answers = await writeTransaction(async (tx) => {
      // Taken when the writer's turn comes, so everything that arrived while waiting for it joins.
      take();
      const stored: StoredAnswer[] = [];
      for (const lead of taken) stored.push(await storeLead(tx, lead));
      return stored;
    });
    taken.forEach((lead, i) => lead.resolve(answers[i] as StoredAnswer));
  } catch (error) {
    if (taken.length === 0) take();
    for (const lead of taken) lead.reject(error);
  }
}

// The statement every accepted lead runs, prepared once (lib/db/prepared.ts).
const insertLeadQuery = (tx: Tx) =>
  preparedQuery("leads.insert", tx, (db) =>
    db
      .insert(leads)
      .values({
        id: sql.placeholder("id"),
        apiKeyId: sql.placeholder("apiKeyId"),
        source: sql.placeholder("source"),
        dataEnc: sql.placeholder("dataEnc"),
        status: "queued",
        nextAttemptAt: sql.placeholder("now"),
        createdAt: sql.placeholder("now"),
        updatedAt: sql.placeholder("now"),
      })
      .prepare(),
  );


export async function findLead(id: string): Promise<Lead | undefined> {
  return firstRow(await getDb().select().from(leads).where(eq(leads.id, id)));
}

export interface ClaimedLead {
  row: Lead;
  data: LeadData | null;
}

/**
 * Claims up to `limit` due leads, oldest first, for one attempt: they become `sending` with the attempt counted.
 * On SQLite only the lease-holding worker calls this. On PostgreSQL every instance's worker does, at once: the due
 * rows are locked `FOR UPDATE SKIP LOCKED`, so each claim takes rows no other claim holds and none is taken twice.
 */
export async function claimDueLeads({ owner, limit, now }: { owner: string; limit: number; now: Date }): Promise<ClaimedLead[]> {
  const rows = isPostgres() ? await claimDueLeadsSkippingLocked({ owner, limit, now }) : await claimDueLeadsInOrder({ owner, limit, now });
  return rows
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .map((row) => ({ row, data: openLeadData(row) }));
}

async function claimDueLeadsInOrder({ owner, limit, now }: { owner: string; limit: number; now: Date }): Promise<Lead[]> {
  return writeTransaction(async (tx) => {
    const due = (
      await tx
        .select({ id: leads.id })
        .from(leads)
        .where(and(eq(leads.status, "queued"), lte(leads.nextAttemptAt, now)))
        .orderBy(asc(leads.createdAt), asc(leads.id))
        .limit(limit)
    ).map((row) => row.id);
    if (due.length === 0) return [];
    return tx
      .update(leads)
      .set({ status: "sending", attempts: sql`${leads.attempts} + 1`, claimedBy: owner, claimedAt: now, updatedAt: now })
      .where(and(inArray(leads.id, due), eq(leads.status, "queued")))
      .returning();
  });
}

async function claimDueLeadsSkippingLocked({ owner, limit, now }: { owner: string; limit: number; now: Date }): Promise<Lead[]> {
  const table = leads as unknown as typeof postgresSchema.leads;
  // One statement is its own transaction: the rows stay locked from the subquery's pick to the update's commit.
  const due = getPostgresDb()
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.status, "queued"), lte(table.nextAttemptAt, now)))
    .orderBy(asc(table.createdAt), asc(table.id))
    .limit(limit)
    .for("update", { skipLocked: true });
  return (await getPostgresDb()
    .update(table)
    .set({ status: "sending", attempts: sql`${table.attempts} + 1`, claimedBy: owner, claimedAt: now, updatedAt: now })
    .where(and(inArray(table.id, due), eq(table.status, "queued")))
    .returning()) as Lead[];
}

/**
 * How long after its claim a lead left `sending` may be looked up. The dead holder's request may still reach amoCRM
 * and be processed: looking it up before that request could have ended (the 15-second client timeout, plus slack)
 * would find nothing and send it a second time.
 */
export const STRANDED_GRACE_MS = 30_000;

/**
 * Leads left `sending` by a worker that is gone (a crash, a kill, a lost lease): amoCRM may have created them, so
 * they are queued again, to be looked up before any resend once the grace has passed. Returns how many.
 */
export async function requeueStrandedLeads({ now, keepLiveClaims = false }: { now: Date; keepLiveClaims?: boolean }): Promise<number> {
  const grace = STRANDED_GRACE_MS;
  const nextAttemptAt = isPostgres()
    ? sql`greatest(${sql.param(now, leads.nextAttemptAt)}::timestamptz, coalesce(${leads.claimedAt}, 'epoch'::timestamptz) + ${grace}::double precision * interval '1 millisecond')`
    : sql`max(${now.getTime()}, coalesce(${leads.claimedAt}, 0) + ${grace})`;
  const result = await writeStatement((db) =>
    db
      .update(leads)
      .set({ status: "queued", lookUpFirst: true, nextAttemptAt, claimedBy: null, claimedAt: null, updatedAt: now })
      .where(and(eq(leads.status, "sending"), keepLiveClaims ? not(claimedByLiveLease()) : undefined)),
  );
  return affectedRows(result);
}

/**
 * The claim's owner still holds its lease (lib/db/lease.ts: a worker claims under its lease's owner id): its worker
 * is alive and may be sending these leads right now.
 */
function claimedByLiveLease(): SQL {
  const liveNow = isPostgres() ? sql`now()` : sql`${Date.now()}`;
  return sql`exists (select 1 from ${leases} where ${leases.owner} = ${leads.claimedBy} and ${leases.expiresAt} > ${liveNow})`;
}

/**
 * Whether several workers deliver at once: on PostgreSQL every instance claims its own batches (SKIP LOCKED); on
 * SQLite one worker at a time holds the lead-worker lease, as on one machine there is nothing to gain.
 */
export function deliveryRunsInParallel(): boolean {
  return isPostgres();
}

/** Applies the per-lead decisions of one attempt (lib/leads/delivery-outcome.ts) and a delivery hold, atomically. */
export async function applyTransitions({
  transitions,
  notePending = new Set(),
  holdUntil,
  holdReason,
  now,
  alert,
}: {
  transitions: readonly LeadTransition[];
  /** Sent leads whose message is still to become a note. */
  notePending?: ReadonlySet<string>;
  holdUntil: Date | null;
  holdReason: string | null;
  now: Date;
  /** The alert these transitions raise (leads given up), queued in the same transaction. */
  alert?: AlertEvent | null;
}): Promise<void> {
  await writeTransaction(async (tx) => {
    if (alert) await enqueueAlertEventTx(tx, alert);
    let delivered = false;
    for (const change of transitions) {
      const common = { status: change.status, claimedBy: null, claimedAt: null, updatedAt: now };
      switch (change.status) {
        case "sent":
          delivered = true;
          await tx
            .update(leads)
            .set({ ...common, amocrmLeadId: change.amocrmLeadId, amocrmContactId: change.amocrmContactId, sentAt: now, lookUpFirst: false, lastErrorCode: null, lastErrorDetail: null, notePending: notePending.has(change.id) })
            .where(eq(leads.id, change.id));
          break;
        case "dead":
          await tx
            .update(leads)
            .set({ ...common, attempts: change.attempts, lastErrorCode: change.errorCode, lastErrorDetail: change.errorDetail, lastErrorAt: now, deadAt: now })
            .where(eq(leads.id, change.id));
          break;
        case "queued":
          await tx
            .update(leads)
            .set({ ...common, attempts: change.attempts, nextAttemptAt: change.nextAttemptAt, lookUpFirst: change.lookUpFirst, lastErrorCode: change.errorCode, lastErrorAt: change.errorCode ? now : null })
            .where(eq(leads.id, change.id));
          break;
        case "held":
          await tx
            .update(leads)
            .set({ ...common, attempts: change.attempts, lastErrorCode: change.errorCode, lastErrorAt: now })
            .where(eq(leads.id, change.id));
          break;
      }
    }
    if (delivered || holdUntil) {
      const values = { id: 1, ...(delivered ? { lastDeliveredAt: now } : {}), ...(holdUntil ? { holdUntil, holdReason } : {}) };
      await tx.insert(deliveryState).values(values).onConflictDoUpdate({ target: deliveryState.id, set: values });
    }
  });
}

/** While the connection cannot be used: every queued lead waits as `held`, with the reason. No attempt is spent. */
export async function holdQueuedLeads({ code, now }: { code: string; now: Date }): Promise<number> {
  return affectedRows(
    await writeStatement((db) => db.update(leads).set({ status: "held", lastErrorCode: code, lastErrorAt: now, updatedAt: now }).where(eq(leads.status, "queued"))),
  );
}

/** The connection works again: held leads are due now, and the claim order (oldest first) delivers them in order. */
export async function resumeHeldLeads({ now }: { now: Date }): Promise<number> {
  return affectedRows(await writeStatement((db) => db.update(leads).set({ status: "queued", nextAttemptAt: now, updatedAt: now }).where(eq(leads.status, "held"))));
}

/** Leads held since before `before`: how many, and since when the oldest waits (an alert names the hold by it). */
export async function findLongHeldLeads({ before }: { before: Date }): Promise<{ count: number; since: Date | null }> {
  // The oldest through the column's own mapping (a Date on both engines), not min(): SQLite would hand back its
  // integer and PostgreSQL a string.
  const where = and(eq(leads.status, "held"), lte(leads.lastErrorAt, before));
  const counted = firstRow(await getDb().select({ count: count() }).from(leads).where(where));
  const oldest = firstRow(await getDb().select({ since: leads.lastErrorAt }).from(leads).where(where).orderBy(asc(leads.lastErrorAt)).limit(1));
  return { count: Number(counted?.count ?? 0), since: oldest?.since ?? null };
}

/** Whether a round has anything to do: a due lead, a held one, or a note still to send. Cheap: indexed probes. */
export async function hasDeliveryWork({ now }: { now: Date }): Promise<boolean> {
  const due = await getDb()
    .select({ id: leads.id })
    .from(leads)
    .where(or(and(eq(leads.status, "queued"), lte(leads.nextAttemptAt, now)), eq(leads.status, "held"), and(eq(leads.status, "sent"), eq(leads.notePending, true))))
    .limit(1);
  return due.length > 0;
}

export async function getDeliveryState(): Promise<{ holdUntil: Date | null; holdReason: string | null; lastDeliveredAt: Date | null }> {
  const row = firstRow(await getDb().select().from(deliveryState).where(eq(deliveryState.id, 1)));
  return { holdUntil: row?.holdUntil ?? null, holdReason: row?.holdReason ?? null, lastDeliveredAt: row?.lastDeliveredAt ?? null };
}

export async function clearDeliveryHold(): Promise<void> {
  await writeStatement((db) => db.update(deliveryState).set({ holdUntil: null, holdReason: null }).where(eq(deliveryState.id, 1)));
}

/** Sent leads whose message still has to become a note. */
export async function listPendingNotes({ limit }: { limit: number }): Promise<ClaimedLead[]> {
  const rows = await getDb()
    .select()
    .from(leads)
    .where(and(eq(leads.status, "sent"), eq(leads.notePending, true), isNotNull(leads.amocrmLeadId)))
    .orderBy(asc(leads.sentAt))
    .limit(limit);
  return rows.map((row) => ({ row, data: openLeadData(row) }));
}

export async function markNotesDone({ ids, now }: { ids: readonly string[]; now: Date }): Promise<void> {
  if (ids.length === 0) return;
  await writeStatement((db) => db.update(leads).set({ notePending: false, updatedAt: now }).where(inArray(leads.id, [...ids])));
}

/** An admin's Retry: a dead lead (or every dead lead) gets a fresh set of attempts. Returns how many. */
export async function retryDeadLeads({ id, now }: { id?: string; now: Date }): Promise<number> {
  return affectedRows(
    await writeStatement((db) =>
      db
        .update(leads)
        .set({ status: "queued", attempts: 0, nextAttemptAt: now, deadAt: null, updatedAt: now })
        .where(and(eq(leads.status, "dead"), id ? eq(leads.id, id) : undefined)),
    ),
  );
}

/** Personal data of leads delivered before `before` is erased; id, status and amoCRM ids stay. */
export async function eraseDeliveredLeadData({ before, now }: { before: Date; now: Date }): Promise<number> {
  return affectedRows(
    await writeStatement((db) =>
      db
        .update(leads)
        .set({ dataEnc: null, erasedAt: now, notePending: false })
        .where(and(eq(leads.status, "sent"), lt(leads.sentAt, before), isNotNull(leads.dataEnc))),
    ),
  );
}

/** Idempotency records older than the replay window are forgotten. */
export async function purgeIdempotencyKeys({ now }: { now: Date }): Promise<number> {
  return affectedRows(
    await writeStatement((db) => db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)))),
  );
}

export interface LeadPageCursor {
  createdAt: Date;
  id: string;
}

/**
 * One page of leads, newest first, optionally of one status. Keyset paging on (created_at, id): the next page starts
 * after the last row seen, so page 2,000 costs what page 1 does.
 */
export async function listLeadsPage(page: LeadsPageQuery): Promise<Lead[]> {
  return leadsPageQuery(page);
}

export interface LeadsPageQuery {
  status?: LeadStatus;
  after?: LeadPageCursor;
  limit: number;
}

/**
 * The query of listLeadsPage, unexecuted, so a test can read its plan. The cursor is one row-value comparison
 * `(created_at, id) < (?, ?)`, a range on the (created_at, id) and (status, created_at, id) indexes. The equivalent
 * `created_at < ? OR (created_at = ? AND id < ?)` let SQLite choose a MULTI-INDEX OR with a temporary B-tree that
 * sorts every older row, or a walk over every newer one, depending on its statistics.
 */
export function leadsPageQuery({ status, after, limit }: LeadsPageQuery) {
  const conditions = [
    status ? eq(leads.status, status) : undefined,
    after ? sql`(${leads.createdAt}, ${leads.id}) < (${sql.param(after.createdAt, leads.createdAt)}, ${after.id})` : undefined,
  ];
  return getDb()
    .select()
    .from(leads)
    .where(and(...conditions))
    .orderBy(desc(leads.createdAt), desc(leads.id))
    .limit(limit);
}

export async function countLeadsByStatus(): Promise<Record<LeadStatus, number>> {
  const counts: Record<LeadStatus, number> = { queued: 0, sending: 0, sent: 0, held: 0, dead: 0 };
  for (const row of await getDb().select({ status: leads.status, n: count() }).from(leads).groupBy(leads.status)) counts[row.status] = row.n;
  return counts;
}

export interface DailyLeadCounts {
  day: string;
  received: number;
  sent: number;
  dead: number;
}

/**
 * Received, delivered and dead leads per calendar day (`YYYY-MM-DD`) since `since`, days cut at `offsetMinutes` from
 * UTC (the dashboard's time zone). Counted in the database, so 100,000 leads are three grouped scans, not rows.
 */
export async function countLeadsPerDay({ since, offsetMinutes }: { since: Date; offsetMinutes: number }): Promise<DailyLeadCounts[]> {
  const offsetMs = offsetMinutes * 60_000;
  const postgres = isPostgres();
  const dayOf = (column: typeof leads.createdAt | typeof leads.sentAt | typeof leads.deadAt) =>
    postgres
      ? // The offset is written into the SQL (a whole number of ms, never user text): PostgreSQL groups by the same
        // expression only when the select's and the group's texts match, and two parameters never do.
        sql<string>`to_char((${column} + ${sql.raw(String(Math.trunc(offsetMs)))} * interval '1 millisecond') at time zone 'UTC', 'YYYY-MM-DD')`
      : sql<string>`strftime('%Y-%m-%d', (${column} + ${offsetMs}) / 1000, 'unixepoch')`;
  const days = new Map<string, DailyLeadCounts>();
  const bump = (day: string, key: "received" | "sent" | "dead", n: number) => {
    const entry = days.get(day) ?? { day, received: 0, sent: 0, dead: 0 };
    entry[key] += n;
    days.set(day, entry);
  };
  const db = getDb();
  for (const row of await db.select({ day: dayOf(leads.createdAt), n: count() }).from(leads).where(gte(leads.createdAt, since)).groupBy(dayOf(leads.createdAt))) {
    bump(row.day, "received", row.n);
  }
  for (const row of await db.select({ day: dayOf(leads.sentAt), n: count() }).from(leads).where(gte(leads.sentAt, since)).groupBy(dayOf(leads.sentAt))) {
    bump(row.day, "sent", row.n);
  }
  for (const row of await db
    .select({ day: dayOf(leads.deadAt), n: count() })
    .from(leads)
    .where(and(eq(leads.status, "dead"), gte(leads.deadAt, since)))
    .groupBy(dayOf(leads.deadAt))) {
    bump(row.day, "dead", row.n);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}
