import "server-only";
import { getDb, isPostgres, type Db, type Tx } from "./client";

/**
 * A hot query prepared once: building a query through Drizzle's builder costs more than SQLite takes to run it, so
 * the queries every request makes (the intake's, the admin session's, the connection row's) are built once, with
 * `sql.placeholder` for what changes, and run with `.execute({ … })` (Drizzle still maps Dates and booleans).
 *
 * SQLite: one prepared statement per database handle and name; a write transaction's handle is the process's one
 * connection, so the same statement serves inside and outside transactions. PostgreSQL: built on the handle given
 * (a transaction's statements must run on its client), each time, as an unnamed statement.
 */

const statements = new WeakMap<Db, Map<string, unknown>>();

export function preparedQuery<T>(name: string, db: Db | Tx, prepare: (db: Db | Tx) => T): T {
  if (isPostgres()) return prepare(db);
  const handle = getDb();
  let byName = statements.get(handle);
  if (!byName) {
    byName = new Map();
    statements.set(handle, byName);
  }
  let statement = byName.get(name) as T | undefined;
  if (statement === undefined) {
    statement = prepare(handle);
    byName.set(name, statement);
  }
  return statement;
}
