import "server-only";
import { count, eq } from "drizzle-orm";
import { affectedRows, firstRow, getDb } from "./client";
import type { Admin } from "./schema";
import { admins, adminSessions } from "./tables";
import { writeStatement, writeTransaction } from "./transaction";

export async function countAdmins(): Promise<number> {
  return firstRow(await getDb().select({ n: count() }).from(admins))?.n ?? 0;
}

export async function findAdminByEmail(email: string): Promise<Admin | undefined> {
  return firstRow(await getDb().select().from(admins).where(eq(admins.email, email)).limit(1));
}

export async function createAdmin({ email, passwordHash }: { email: string; passwordHash: string }): Promise<Admin> {
  const [admin] = await writeStatement((db) => db.insert(admins).values({ email, passwordHash }).returning());
  if (!admin) throw new Error("createAdmin: no row returned");
  return admin;
}

/**
 * Creates the admin only while none exists, in one write transaction: servers starting together with ADMIN_EMAIL
 * and ADMIN_PASSWORD create it once (the others find it). Returns whether this call created it.
 */
export async function createFirstAdmin({ email, passwordHash }: { email: string; passwordHash: string }): Promise<boolean> {
  return writeTransaction(async (tx) => {
    if ((firstRow(await tx.select({ n: count() }).from(admins))?.n ?? 0) > 0) return false;
    await tx.insert(admins).values({ email, passwordHash });
    return true;
  });
}

export async function updateAdminPassword({ email, passwordHash }: { email: string; passwordHash: string }): Promise<boolean> {
  return affectedRows(await writeStatement((db) => db.update(admins).set({ passwordHash }).where(eq(admins.email, email)))) === 1;
}

export async function recordSignIn({ adminId, at }: { adminId: number; at: Date }): Promise<void> {
  await writeStatement((db) => db.update(admins).set({ lastSignInAt: at }).where(eq(admins.id, adminId)));
}

export type DeleteAdminResult = "deleted" | "not_found" | "last_admin";

/**
 * Deletes an admin and every session of theirs, in one transaction; refuses to delete the last admin, which would
 * leave nobody able to sign in (only a new setup link or ADMIN_EMAIL on an empty table makes one again).
 */
export async function deleteAdmin({ email }: { email: string }): Promise<DeleteAdminResult> {
  // Under the writer lock on both engines, so two deletes on two servers cannot each see the other admin and leave
  // none.
  return writeTransaction(async (tx) => {
    const admin = firstRow(await tx.select({ id: admins.id }).from(admins).where(eq(admins.email, email)));
    if (!admin) return "not_found";
    if ((firstRow(await tx.select({ n: count() }).from(admins))?.n ?? 0) <= 1) return "last_admin";
    // The foreign key cascades too; said here so it holds whatever the engine.
    await tx.delete(adminSessions).where(eq(adminSessions.adminId, admin.id));
    await tx.delete(admins).where(eq(admins.id, admin.id));
    return "deleted";
  });
}
