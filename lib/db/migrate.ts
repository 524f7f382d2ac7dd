import "server-only";
import { getEnv } from "@/lib/env";
import { applyMigrations, closeDb, getDb } from "./client";

/**
 * Opens the database and applies pending migrations (server start, `npm run db:migrate`); returns what it migrated,
 * fit for a log line: the SQLite file, or the PostgreSQL host and database without the user or password.
 */
export async function migrateDatabase(): Promise<{ databasePath: string; target: string }> {
  getDb();
  await applyMigrations();
  const database = getEnv().database;
  if (database.engine === "sqlite") return { databasePath: database.path, target: database.path };
  const url = new URL(database.url);
  return { databasePath: "", target: `postgres://${url.host}${url.pathname}` };
}

/** Closes the database connections, for scripts that end their process cleanly. */
export async function closeDatabase(): Promise<void> {
  await closeDb();
}
