import "server-only";
import { getDb, type Tx } from "./client";

/**
 * The one way lib/db writes more than one statement atomically. On SQLite it is `BEGIN IMMEDIATE`: the write lock is
 * taken at the start, so a read-then-write transaction never fails to upgrade its lock under WAL while another
 * process writes (a deferred transaction could). `work` is synchronous because better-sqlite3 is; PostgreSQL will
 * take row locks instead, behind this same signature for the callers of lib/db.
 */
export async function writeTransaction<T>(work: (tx: Tx) => T): Promise<T> {
  return getDb().transaction(work, { behavior: "immediate" });
}
