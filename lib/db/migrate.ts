import "server-only";
import { getEnv } from "@/lib/env";
import { getDb } from "./client";

/** Opens the database and applies pending migrations (server start, `npm run db:migrate`); returns its file. */
export async function migrateDatabase(): Promise<{ databasePath: string }> {
  getDb();
  return { databasePath: getEnv().databasePath };
}
