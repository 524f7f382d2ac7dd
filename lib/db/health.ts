import "server-only";
import type { ErrorCode } from "@/lib/error-codes";
import { count } from "drizzle-orm";
import { applyMigrations, getDb, getSqlite, isPostgres } from "./client";
import { admins } from "./tables";

/** Reachable and migrated: opening the client applies migrations, then one query touches a migrated table. */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: { code: ErrorCode; message: string } }> {
  try {
    if (isPostgres()) {
      await applyMigrations();
      await getDb().select({ n: count() }).from(admins);
    } else {
      getSqlite().prepare("select count(*) from admins").get();
    }
    return { ok: true };
  } catch {
    console.error("[health] database check failed");
    return { ok: false, error: { code: "database_unavailable", message: "The database cannot be opened or migrated." } };
  }
}
