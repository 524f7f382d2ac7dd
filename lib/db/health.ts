import "server-only";
import { getSqlite } from "@/lib/db/client";

/** Reachable and migrated: opening the client applies migrations, then one query touches a migrated table. */
export function checkDatabase(): { ok: true } | { ok: false; error: { code: string; message: string } } {
  try {
    getSqlite().prepare("select count(*) from admins").get();
    return { ok: true };
  } catch {
    console.error("[health] database check failed");
    return { ok: false, error: { code: "database_unavailable", message: "The database cannot be opened or migrated." } };
  }
}
