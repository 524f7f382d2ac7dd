import "server-only";
import { and, eq, isNull, lte, ne, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { connections, leases, type ConnectionState, type NewConnection } from "@/lib/db/schema";
import type { ErrorCode } from "@/lib/error-codes";
import { addEvent, CONNECTION_ID, freshTokenColumns, type Actor } from "./connection";

/**
 * The token lifecycle's writes (lib/amocrm/tokens.ts). Every write that depends on what a refresh started from is
 * conditional on the row's `generation`, so a process that lost a race changes nothing and re-reads instead.
 */

type Db = ReturnType<typeof getDb>;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

// Read-then-write transactions start IMMEDIATE: a deferred one could fail to upgrade its lock under WAL. better-sqlite3
// runs everything on one synchronous connection, so addEvent() called inside `work` is part of the transaction.
function writeTransaction<T>(work: (tx: Tx) => T): T {
  return getDb().transaction(work, { behavior: "immediate" });
}

// ---- Refresh lease on the connection row ---------------------------------------------------------------------

/** Takes the row's refresh lease when it is free, expired or already ours. Wall-clock times: leases coordinate live processes. */
export function acquireRefreshLease({ owner, now, ttlMs }: { owner: string; now: Date; ttlMs: number }): boolean {
  const result = getDb()
    .update(connections)
    .set({ refreshLeaseOwner: owner, refreshLeaseExpiresAt: new Date(now.getTime() + ttlMs) })
    .where(
      and(
        eq(connections.id, CONNECTION_ID),
        or(
          isNull(connections.refreshLeaseOwner),
          isNull(connections.refreshLeaseExpiresAt),
          lte(connections.refreshLeaseExpiresAt, now),
          eq(connections.refreshLeaseOwner, owner),
        ),
      ),
    )
    .run();
  return result.changes === 1;
}

/** Takes the lease from a holder known to be dead, only if that holder still has it. */
export function takeOverRefreshLease({
  owner,
  previousOwner,
  now,
  ttlMs,
}: {
  owner: string;
  previousOwner: string;
  now: Date;
  ttlMs: number;
}): boolean {
  const result = getDb()
    .update(connections)
    .set({ refreshLeaseOwner: owner, refreshLeaseExpiresAt: new Date(now.getTime() + ttlMs) })
    .where(and(eq(connections.id, CONNECTION_ID), eq(connections.refreshLeaseOwner, previousOwner)))
    .run();
  return result.changes === 1;
}

export function releaseRefreshLease({ owner }: { owner: string }): void {
  getDb()
    .update(connections)
    .set({ refreshLeaseOwner: null, refreshLeaseExpiresAt: null })
    .where(and(eq(connections.id, CONNECTION_ID), eq(connections.refreshLeaseOwner, owner)))
    .run();
}

// ---- Refresh intent, result and failure ----------------------------------------------------------------------

/**
 * Written before the refresh token is sent: if the process dies between amoCRM's answer and the commit, the intent
 * stays behind and the next start knows a refresh may have been lost (contract §3.3: the old token still works).
 */
export function recordRefreshIntent({ generation, now }: { generation: number; now: Date }): boolean {
  const result = getDb()
    .update(connections)
    .set({ refreshIntentGeneration: generation, refreshIntentAt: now })
    .where(and(eq(connections.id, CONNECTION_ID), eq(connections.generation, generation)))
    .run();
  return result.changes === 1;
}

/** Clears an intent that no longer applies, unless a newer one replaced it meanwhile. */
export function clearRefreshIntent({ intentGeneration }: { intentGeneration: number }): void {
  getDb()
    .update(connections)
    .set({ refreshIntentGeneration: null, refreshIntentAt: null })
    .where(and(eq(connections.id, CONNECTION_ID), eq(connections.refreshIntentGeneration, intentGeneration)))
    .run();
}

export interface StoreRefreshedTokensInput extends Actor {
  /** The generation the refresh started from; nothing is stored when the row has moved on. */
  fromGeneration: number;
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  /** From the new token's claims; null keeps the stored one. */
  apiDomain: string | null;
  reason: string;
  now: Date;
}

/**
 * Stores a refreshed pair, generation + 1, a cleared intent and backoff, and an event, in one transaction. Unlike
 * storeConnectedTokens it keeps connectedAt/connectedBy and the account. False when the generation moved.
 */
export function storeRefreshedTokens(input: StoreRefreshedTokensInput): boolean {
  const { now } = input;
  return writeTransaction((tx) => {
    const values: Partial<NewConnection> = { ...freshTokenColumns({ ...input, now }), updatedAt: now };
    if (input.apiDomain) values.apiDomain = input.apiDomain;
    const result = tx
      .update(connections)
      .set({ ...values, generation: sql`${connections.generation} + 1` })
      .where(and(eq(connections.id, CONNECTION_ID), eq(connections.generation, input.fromGeneration)))
      .run();
    if (result.changes !== 1) return false;
    addEvent({
      type: "token_refreshed",
      actor: input.actor,
      actorEmail: input.actorEmail,
      at: now,
      details: {
        reason: input.reason,
        generation: input.fromGeneration + 1,
        accessTokenExpiresAt: input.accessTokenExpiresAt.toISOString(),
      },
    });
    return true;
  });
}

export interface RecordRefreshFailureInput extends Actor {
  fromGeneration: number;
  code: ErrorCode;
  /** Safe facts only: status, hint, reason. */
  detail: Record<string, string | number>;
  state: ConnectionState;
  failureCount: number;
  nextRetryAt: Date | null;
  now: Date;
}

/** Records a failed refresh (state, backoff, last error, event) and clears the intent. False when the generation moved. */
export function recordRefreshFailure(input: RecordRefreshFailureInput): boolean {
  const { now } = input;
  return writeTransaction((tx) => {
    const result = tx
      .update(connections)
      .set({
        state: input.state,
        lastErrorCode: input.code,
        lastErrorDetail: JSON.stringify(input.detail),
        lastErrorAt: now,
        failureCount: input.failureCount,
        nextRetryAt: input.nextRetryAt,
        refreshIntentGeneration: null,
        refreshIntentAt: null,
      })
      .where(and(eq(connections.id, CONNECTION_ID), eq(connections.generation, input.fromGeneration)))
      .run();
    if (result.changes !== 1) return false;
    addEvent({
      type: "token_refresh_failed",
      actor: input.actor,
      actorEmail: input.actorEmail,
      at: now,
      details: {
        code: input.code,
        state: input.state,
        failureCount: input.failureCount,
        nextRetryAt: input.nextRetryAt?.toISOString() ?? null,
        ...input.detail,
      },
    });
    return true;
  });
}

/** The account was renamed (contract §9.4): the new host, from amoCRM's subdomain lookup, replaces the old one. */
export function updateAccountHost(
  input: Actor & { previousHost: string; accountHost: string; accountSubdomain: string; now: Date },
): boolean {
  return writeTransaction((tx) => {
    const result = tx
      .update(connections)
      .set({ accountHost: input.accountHost, accountSubdomain: input.accountSubdomain, updatedAt: input.now })
      .where(and(eq(connections.id, CONNECTION_ID), eq(connections.accountHost, input.previousHost)))
      .run();
    if (result.changes !== 1) return false;
    addEvent({
      type: "account_host_changed",
      actor: input.actor,
      actorEmail: input.actorEmail,
      at: input.now,
      details: { previousHost: input.previousHost, accountHost: input.accountHost },
    });
    return true;
  });
}

/** A long-lived token passed its `exp`: state `error` with that explanation, recorded once. */
export function markLongLivedTokenExpired({ generation, now }: { generation: number; now: Date }): void {
  writeTransaction((tx) => {
    const result = tx
      .update(connections)
      .set({ state: "error", lastErrorCode: "long_lived_token_expired", lastErrorDetail: null, lastErrorAt: now })
      .where(
        and(
          eq(connections.id, CONNECTION_ID),
          eq(connections.generation, generation),
          eq(connections.mode, "long_lived"),
          or(isNull(connections.lastErrorCode), ne(connections.lastErrorCode, "long_lived_token_expired")),
        ),
      )
      .run();
    if (result.changes === 1) {
      addEvent({ type: "long_lived_token_expired", actor: "system", at: now, details: { code: "long_lived_token_expired" } });
    }
  });
}

// ---- Named leases (one process runs a periodic job) ----------------------------------------------------------

/** Takes the named lease when nobody holds it, it expired, or it is already ours. */
export function acquireLease({ name, owner, now, ttlMs }: { name: string; owner: string; now: Date; ttlMs: number }): boolean {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const result = getDb()
    .insert(leases)
    .values({ name, owner, expiresAt })
    .onConflictDoUpdate({
      target: leases.name,
      set: { owner, expiresAt },
      setWhere: or(lte(leases.expiresAt, now), eq(leases.owner, owner)),
    })
    .run();
  return result.changes === 1;
}

export function releaseLease({ name, owner }: { name: string; owner: string }): void {
  getDb()
    .delete(leases)
    .where(and(eq(leases.name, name), eq(leases.owner, owner)))
    .run();
}
