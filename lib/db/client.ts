import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePostgres, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePostgres } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { getEnv } from "@/lib/env";
import * as schema from "./schema";
import * as postgresSchema from "./schema-postgres";

/**
 * The one database client of the process. Only modules under lib/db import this file (an ESLint rule says so):
 * everything else calls their named, async data functions.
 *
 * DATABASE_URL picks the engine: `file:` is SQLite through better-sqlite3 (the embedded default), `postgres://` is
 * PostgreSQL through node-postgres. lib/db's modules are written once, against the SQLite types, in the subset both
 * engines share: awaited query builders (never the SQLite-only .get/.all/.run), `firstRow` and `affectedRows`
 * below, tables from ./tables (the active engine's), and `isPostgres()` where the SQL itself must differ.
 */

export type Db = BetterSQLite3Database<typeof schema>;
/** The handle a write transaction's work receives (lib/db/transaction.ts): the same query builders as Db. */
export type Tx = Db;
export type Engine = "sqlite" | "postgres";

type DbHandle =
  | { engine: "sqlite"; db: Db; sqlite: Database.Database }
  | { engine: "postgres"; db: Db; pool: pg.Pool; migrated: Promise<void> | null };

// One client per process, kept on globalThis so hot reloads in development do not open a new one each time.
const globalForDb = globalThis as unknown as { amocrmConnectDb?: DbHandle };

// SQLite's files (PostgreSQL keeps its own, under its server's user): the database holds sealed secrets, the admins'
// password hashes and the leads' metadata, so no other user of the host reads it. SQLite creates the -wal and -shm
// files with the database file's mode, so creating that one 0600 first covers them; files from before are tightened
// on every start.
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

const MIGRATIONS = path.join(process.cwd(), "drizzle");

function openSqlite(file: string): DbHandle {
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
  migrate(db, { migrationsFolder: path.join(MIGRATIONS, "sqlite") });
  protectDatabaseFiles(file);
  return { engine: "sqlite", db, sqlite };
}

/** Connections per process: a request holds one only for its statements, a write transaction for its length. */
const POOL_SIZE = 10;

function openPostgres(url: string): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  // An idle client losing its connection (a database restart) must not take the process down; the next query
  // gets a fresh connection or a clear error.
  pool.on("error", () => console.error("[db] an idle PostgreSQL connection was closed"));
  // Typed as the SQLite client: lib/db's queries use only what both engines' builders share (see above).
  const db = drizzlePostgres(pool, { schema: postgresSchema }) as unknown as Db;
  return { engine: "postgres", db, pool, migrated: null };
}

function handle(): DbHandle {
  if (!globalForDb.amocrmConnectDb) {
    const database = getEnv().database;
    globalForDb.amocrmConnectDb = database.engine === "sqlite" ? openSqlite(database.path) : openPostgres(database.url);
  }
  return globalForDb.amocrmConnectDb;
}

/** The Drizzle client. On SQLite opening it applies pending migrations; on PostgreSQL `applyMigrations` does. */
export function getDb(): Db {
  return handle().db;
}

export function getEngine(): Engine {
  return handle().engine;
}

export function isPostgres(): boolean {
  return handle().engine === "postgres";
}

/** The client with its PostgreSQL types: for the few queries only PostgreSQL has (locks, SKIP LOCKED). */
export function getPostgresDb(): NodePgDatabase<typeof postgresSchema> {
  const current = handle();
  if (current.engine !== "postgres") throw new Error("getPostgresDb(): the database is SQLite");
  return current.db as unknown as NodePgDatabase<typeof postgresSchema>;
}

/** The raw better-sqlite3 handle: for lib/db's hand-written hot queries and for test set-up that moves time. */
export function getSqlite(): Database.Database {
  const current = handle();
  if (current.engine !== "sqlite") throw new Error("getSqlite(): the database is PostgreSQL");
  return current.sqlite;
}

/** The node-postgres pool: for advisory locks and set-up that needs a plain client. */
export function getPostgresPool(): pg.Pool {
  const current = handle();
  if (current.engine !== "postgres") throw new Error("getPostgresPool(): the database is SQLite");
  return current.pool;
}

/**
 * Applies pending migrations (server start, `npm run db:migrate`). SQLite has done so on open; PostgreSQL runs them
 * once per process, under drizzle's own transaction and an advisory lock, so instances starting together do not
 * apply the same migration twice.
 */
export async function applyMigrations(): Promise<void> {
  const current = handle();
  if (current.engine === "sqlite") return;
  current.migrated ??= (async () => {
    const client = await current.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      try {
        await migratePostgres(drizzlePostgres(client), { migrationsFolder: path.join(MIGRATIONS, "postgres") });
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  })().catch((error: unknown) => {
    current.migrated = null;
    throw error;
  });
  await current.migrated;
}

/** Advisory lock keys of this app (64-bit; any fixed numbers no other application on the database uses). */
export const MIGRATION_LOCK_KEY = 7_424_001;
export const WRITER_LOCK_KEY = 7_424_002;
export const AMOCRM_CALLS_LOCK_KEY = 7_424_003;

/** Closes the connections (scripts and tests that end their process cleanly). */
export async function closeDb(): Promise<void> {
  const current = globalForDb.amocrmConnectDb;
  globalForDb.amocrmConnectDb = undefined;
  if (!current) return;
  if (current.engine === "sqlite") current.sqlite.close();
  else await current.pool.end();
}

/** The first row of an awaited select, or undefined: what SQLite's `.get()` gave, on both engines. */
export function firstRow<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}

/** Rows an awaited insert, update or delete touched: SQLite's `changes`, node-postgres's `rowCount`. */
export function affectedRows(result: unknown): number {
  const counts = result as { changes?: number; rowCount?: number | null };
  return counts.changes ?? counts.rowCount ?? 0;
}
