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

// The database holds sealed secrets, the admins' password hashes and the leads' metadata: no other user of the host
// reads it. SQLite creates the -wal and -shm files with the database file's mode, so creating that one 0600 first
// covers them; files from before are tightened on every start.
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** The data folder 0700: created so, or tightened when it is ours alone (never a shared folder such as /tmp). */
function protectDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const stat = fs.statSync(dir);
  if ((stat.mode & 0o777) === PRIVATE_DIR_MODE) return;
  const shared = (stat.mode & 0o1000) !== 0 || dir === path.parse(dir).root || dir === process.cwd();
  if (shared || (typeof process.getuid === "function" && stat.uid !== process.getuid())) {
    console.warn(`[db] the database's folder ${dir} is open to other users of this host; keep the database in a folder of its own`);
    return;
  }
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

function protectDatabaseFiles(file: string): void {
  for (const name of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      // The database's own files, at run time: nothing for the build's file tracer to include.
      if ((fs.statSync(/*turbopackIgnore: true*/ name).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(/*turbopackIgnore: true*/ name, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

function openDatabase(file: string): DbHandle {
  protectDataDir(path.dirname(file));
  // An empty file is a valid database: creating it here gives it (and its -wal and -shm) the private mode.
  fs.closeSync(fs.openSync(file, "a", PRIVATE_FILE_MODE));
  protectDatabaseFiles(file);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: path.join(process.cwd(), "drizzle") });
  protectDatabaseFiles(file);
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
