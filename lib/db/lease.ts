import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import { affectedRows, getDb, isPostgres, type Db, type Tx } from "./client";
import { leases } from "./tables";
import { writeStatement } from "./transaction";

/**
 * Named leases with expiry: one holder at a time for a piece of work, across every process sharing the database.
 * A holder renews its lease every few seconds while it works (the heartbeat); a lease is taken over only once it
 * has expired, which is what happens soon after a holder dies, hangs or loses the database (it stops renewing).
 * When a renewal fails, the holder's AbortSignal fires and its work must stop: someone else may hold it by now.
 * Times are the wall clock: leases coordinate live processes, whatever clock a caller's business logic uses. On
 * PostgreSQL that clock is the database server's (`now()`), so instances on machines whose clocks differ still agree
 * on when a lease has expired.
 */

/** Long enough to ride out a slow disk or a GC pause, short enough that a dead holder blocks others briefly. */
export const LEASE_TTL_MS = 20_000;
/** Renewals per TTL: three chances before the lease could expire under a live holder. */
export const LEASE_RENEW_EVERY_MS = 5_000;

export interface LeaseOptions {
  ttlMs?: number;
  renewEveryMs?: number;
}

export class LeaseLostError extends Error {
  constructor(readonly leaseName: string) {
    super(`lease ${leaseName} was lost`);
    this.name = "LeaseLostError";
  }
}

export interface Lease {
  readonly name: string;
  readonly owner: string;
  /** Aborted when a renewal fails: the work must stop, another process may hold the lease now. */
  readonly signal: AbortSignal;
  /** Stops the heartbeat and frees the lease (only if still ours). */
  release(): Promise<void>;
}

// A random id per process (kept on globalThis: Next may load this module more than once in one process), plus a
// counter per acquisition, so two holdings in one process are never mistaken for each other.
const processLeases = globalThis as unknown as { amocrmLeaseProcess?: { id: string; acquisitions: number } };
function nextOwner(): string {
  processLeases.amocrmLeaseProcess ??= { id: randomUUID(), acquisitions: 0 };
  processLeases.amocrmLeaseProcess.acquisitions += 1;
  return `${processLeases.amocrmLeaseProcess.id}:${processLeases.amocrmLeaseProcess.acquisitions}`;
}

/** This process's lease id (the part of `owner` before the colon). */
export function leaseProcessId(): string {
  processLeases.amocrmLeaseProcess ??= { id: randomUUID(), acquisitions: 0 };
  return processLeases.amocrmLeaseProcess.id;
}

/** The lease's clock: this process's on SQLite (one machine), the database server's on PostgreSQL. */
function clock(offsetMs: number): Date | ReturnType<typeof sql> {
  if (isPostgres()) return sql`now() + ${offsetMs}::double precision * interval '1 millisecond'`;
  return new Date(Date.now() + offsetMs);
}

async function claim(name: string, owner: string, ttlMs: number): Promise<boolean> {
  const expiresAt = clock(ttlMs) as Date;
  // Free (no row) or expired: never a live holder's, this process's other holdings included.
  const result = await writeStatement((db) =>
    db
      .insert(leases)
      .values({ name, owner, expiresAt })
      .onConflictDoUpdate({ target: leases.name, set: { owner, expiresAt }, setWhere: lte(leases.expiresAt, clock(0) as Date) }),
  );
  return affectedRows(result) === 1;
}

async function renew(name: string, owner: string, ttlMs: number): Promise<boolean> {
  const result = await writeStatement((db) =>
    db
      .update(leases)
      .set({ expiresAt: clock(ttlMs) as Date })
      .where(and(eq(leases.name, name), eq(leases.owner, owner))),
  );
  return affectedRows(result) === 1;
}

/** Takes the named lease when it is free or expired, and starts its heartbeat; null while someone holds it. */
export async function tryAcquireLease(name: string, options: LeaseOptions = {}): Promise<Lease | null> {
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const renewEveryMs = options.renewEveryMs ?? LEASE_RENEW_EVERY_MS;
  const owner = nextOwner();
  if (!(await claim(name, owner, ttlMs))) return null;

  const controller = new AbortController();
  const lose = () => {
    clearInterval(heartbeat);
    if (!controller.signal.aborted) controller.abort(new LeaseLostError(name));
  };
  const heartbeat = setInterval(() => {
    renew(name, owner, ttlMs).then(
      (renewed) => {
        if (!renewed) lose();
      },
      // The database is gone for now: the lease may expire before the next renewal, so stop as if lost.
      () => lose(),
    );
  }, renewEveryMs);
  heartbeat.unref();

  let released = false;
  return {
    name,
    owner,
    signal: controller.signal,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await writeStatement((db) => db.delete(leases).where(and(eq(leases.name, name), eq(leases.owner, owner))));
    },
  };
}

/**
 * Runs `work` while holding the named lease, released afterwards whatever happens; `{ acquired: false }` at once
 * when someone else holds it. `work` receives the lease's signal and must stop when it fires.
 */
export async function withLease<T>(
  name: string,
  work: (signal: AbortSignal) => Promise<T>,
  options: LeaseOptions = {},
): Promise<{ acquired: false } | { acquired: true; value: T }> {
  const lease = await tryAcquireLease(name, options);
  if (!lease) return { acquired: false };
  try {
    return { acquired: true, value: await work(lease.signal) };
  } finally {
    await lease.release();
  }
}

/**
 * The names of the leases someone holds now, on the lease's clock (the database server's on PostgreSQL): a running
 * server holds at least its lead worker's. Inside `tx` when given, so a caller can refuse in the same transaction.
 */
export async function listLiveLeases(db: Db | Tx = getDb()): Promise<string[]> {
  const rows = await db
    .select({ name: leases.name })
    .from(leases)
    .where(gt(leases.expiresAt, clock(0) as Date));
  return rows.map((row) => row.name);
}
