import "server-only";
import { count, eq } from "drizzle-orm";
import { getDb } from "./client";
import { admins, type Admin } from "./schema";

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
