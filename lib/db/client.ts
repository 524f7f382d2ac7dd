import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { getEnv } from "@/lib/env";
import * as schema from "./schema";

/**
 * The one database client of the process. Only modules under lib/db import this file (an ESLint rule says so):
 * everything else calls their named, async data functions, so a second engine can be added behind them.
 */

export type Db = BetterSQLite3Database<typeof schema>;
/** The handle a write transaction's work receives (lib/db/transaction.ts). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

interface DbHandle {
  db: Db;
  sqlite: Database.Database;
}

// One connection per process, kept on globalThis so hot reloads in development do not open a new one each time.
const globalForDb = globalThis as unknown as { amocrmConnectDb?: DbHandle };

function openDatabase(file: string): DbHandle {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: path.join(process.cwd(), "drizzle", "sqlite") });
  return { db, sqlite };
}

function handle(): DbHandle {
  globalForDb.amocrmConnectDb ??= openDatabase(getEnv().databasePath);
  return globalForDb.amocrmConnectDb;
}

/** The Drizzle client; opening it applies pending migrations. For lib/db modules only. */
export function getDb(): Db {
  return handle().db;
}

/** The raw better-sqlite3 handle: for lib/db's hand-written hot queries and for test set-up that moves time. */
export function getSqlite(): Database.Database {
  return handle().sqlite;
}
