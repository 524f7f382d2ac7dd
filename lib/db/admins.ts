import "server-only";
import { count, eq } from "drizzle-orm";
import { getDb } from "./client";
import { adminSessions, admins, type Admin } from "./schema";
import { writeTransaction } from "./transaction";

export async function countAdmins(): Promise<number> {
  return getDb().select({ n: count() }).from(admins).get()?.n ?? 0;
}

export async function findAdminByEmail(email: string): Promise<Admin | undefined> {
  return getDb().select().from(admins).where(eq(admins.email, email)).get();
}

export async function createAdmin({ email, passwordHash }: { email: string; passwordHash: string }): Promise<Admin> {
  return getDb().insert(admins).values({ email, passwordHash }).returning().get();
}

export async function updateAdminPassword({ email, passwordHash }: { email: string; passwordHash: string }): Promise<boolean> {
  return getDb().update(admins).set({ passwordHash }).where(eq(admins.email, email)).run().changes === 1;
}

export async function recordSignIn({ adminId, at }: { adminId: number; at: Date }): Promise<void> {
  getDb().update(admins).set({ lastSignInAt: at }).where(eq(admins.id, adminId)).run();
}

export type DeleteAdminResult = "deleted" | "not_found" | "last_admin";

/**
 * Deletes an admin and every session of theirs, in one transaction; refuses to delete the last admin, which would
 * leave nobody able to sign in (only a new setup link or ADMIN_EMAIL on an empty table makes one again).
 */
export async function deleteAdmin({ email }: { email: string }): Promise<DeleteAdminResult> {
  return writeTransaction((tx) => {
    const admin = tx.select({ id: admins.id }).from(admins).where(eq(admins.email, email)).get();
    if (!admin) return "not_found";
    if ((tx.select({ n: count() }).from(admins).get()?.n ?? 0) <= 1) return "last_admin";
    // The foreign key cascades too; said here so it holds whatever the engine.
    tx.delete(adminSessions).where(eq(adminSessions.adminId, admin.id)).run();
    tx.delete(admins).where(eq(admins.id, admin.id)).run();
    return "deleted";
  });
}
