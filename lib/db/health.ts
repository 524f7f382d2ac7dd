import "server-only";
import type { ErrorCode } from "@/lib/error-codes";
import { getSqlite } from "./client";

/** Reachable and migrated: opening the client applies migrations, then one query touches a migrated table. */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: { code: ErrorCode; message: string } }> {
  try {
    getSqlite().prepare("select count(*) from admins").get();
    return { ok: true };
  } catch {
    console.error("[health] database check failed");
    return { ok: false, error: { code: "database_unavailable", message: "The database cannot be opened or migrated." } };
  }
}
