import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { sql } from "drizzle-orm";
import { getDb, getPostgresDb, getSqlite, isPostgres, WRITER_LOCK_KEY, type Db, type Tx } from "./client";

/**
 * The one way lib/db writes: every write is one of these, a transaction or a single statement, so callers never
 * care which engine runs.
 *
 * SQLite: `BEGIN IMMEDIATE`, so the write lock is taken at the start and a read-then-write transaction never fails
 * to upgrade its lock under WAL while another process writes. The work is async (PostgreSQL's driver is), and one
 * connection serves the whole process, so writers take turns in-process: while a transaction is open, no other
 * write of this process can slip into it (and be committed or rolled back with it). A read of this process may
 * still run between the transaction's statements and see its uncommitted writes, as reads did not wait before
 * either; nothing reads, acts and expects a rollback to undo what it saw.
 *
 * PostgreSQL: a transaction that first takes the writer advisory lock, which gives the same one-writer-at-a-time
 * order across every instance sharing the database. `{ concurrent: true }` skips that lock for work that locks the
 * rows it touches itself (the lead claim, `FOR UPDATE SKIP LOCKED`), so instances can claim in parallel.
 */

export interface WriteOptions {
  /** PostgreSQL only: the work takes its own row locks, so other writers need not wait for it. */
  concurrent?: boolean;
}

// Marks the async context of an open transaction, so a nested call fails loudly instead of waiting for itself.
const inTransaction = new AsyncLocalStorage<true>();

// The in-process turn of SQLite writers, on globalThis: Next may load this module more than once per process.
const turns = globalThis as unknown as { amocrmSqliteWriteTail?: Promise<void> };

async function sqliteTurn<T>(work: () => Promise<T>): Promise<T> {
  const previous = turns.amocrmSqliteWriteTail ?? Promise.resolve();
  let release!: () => void;
  turns.amocrmSqliteWriteTail = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await work();
  } finally {
    release();
  }
}

function refuseNesting(): void {
  if (inTransaction.getStore()) throw new Error("writeTransaction: already inside a write transaction; use its tx");
}

export async function writeTransaction<T>(work: (tx: Tx) => Promise<T> | T, options: WriteOptions = {}): Promise<T> {
  refuseNesting();
  if (isPostgres()) {
    return getPostgresDb().transaction(async (tx) => {
      if (!options.concurrent) await tx.execute(sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK_KEY})`);
      return inTransaction.run(true, () => work(tx as unknown as Tx));
    });
  }
  return sqliteTurn(async () => {
    const sqlite = getSqlite();
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      const value = await inTransaction.run(true, () => work(getDb()));
      sqlite.exec("COMMIT");
      return value;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      throw error;
    }
  });
}

/**
 * One write statement outside a transaction (an update, an insert, a delete). On SQLite it waits for the process's
 * open transaction to end, so it never joins it; on PostgreSQL it runs at once (it is its own transaction).
 */
export async function writeStatement<T>(work: (db: Db) => PromiseLike<T>): Promise<T> {
  refuseNesting();
  if (isPostgres()) return work(getDb());
  return sqliteTurn(async () => work(getDb()));
}
