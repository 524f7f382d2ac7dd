import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { getEnv } from "@/lib/env";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema>;

interface DbHandle {
  db: Db;
  sqlite: Database.Database;
}

// One connection per process, kept on globalThis so hot reloads in development do not open a new one each time.
const globalForDb = globalThis as unknown as { amocrmConnectDb?: DbHandle };

export function openDatabase(file: string): DbHandle {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: path.join(process.cwd(), "drizzle") });
  return { db, sqlite };
}

function handle(): DbHandle {
  globalForDb.amocrmConnectDb ??= openDatabase(getEnv().databasePath);
  return globalForDb.amocrmConnectDb;
}

/** The app's Drizzle client; opening it applies pending migrations. */
export function getDb(): Db {
  return handle().db;
}

/** The raw better-sqlite3 handle, for `BEGIN IMMEDIATE` locking and the health check. */
export function getSqlite(): Database.Database {
  return handle().sqlite;
}
