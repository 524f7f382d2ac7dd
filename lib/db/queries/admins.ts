import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, gt, isNull } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { adminSessions, admins, setupTokens, type Admin } from "@/lib/db/schema";

export function countAdmins(): number {
  return getDb().select({ n: count() }).from(admins).get()?.n ?? 0;
}

export function findAdminByEmail(email: string): Admin | undefined {
  return getDb().select().from(admins).where(eq(admins.email, email)).get();
}

export function findAdminById(id: number): Admin | undefined {
  return getDb().select().from(admins).where(eq(admins.id, id)).get();
}

export function createAdmin({ email, passwordHash }: { email: string; passwordHash: string }): Admin {
  return getDb().insert(admins).values({ email, passwordHash }).returning().get();
}

export function updateAdminPassword({ email, passwordHash }: { email: string; passwordHash: string }): boolean {
  return getDb().update(admins).set({ passwordHash }).where(eq(admins.email, email)).run().changes === 1;
}

/** Records a sign-in as a new session; the returned id goes into the session cookie, only its hash is stored. */
export function createAdminSession({ adminId, now = new Date() }: { adminId: number; now?: Date }): string {
  const sessionId = randomBytes(32).toString("base64url");
  getDb().insert(adminSessions).values({ idHash: hashToken(sessionId), adminId, createdAt: now }).run();
  return sessionId;
}

/** The admin a live session belongs to: both must still exist (a signed-out session or a deleted admin is none). */
export function findAdminBySession({ adminId, sessionId }: { adminId: number; sessionId: string }): Admin | undefined {
  return getDb()
    .select({ admin: admins })
    .from(adminSessions)
    .innerJoin(admins, eq(admins.id, adminSessions.adminId))
    .where(and(eq(adminSessions.idHash, hashToken(sessionId)), eq(adminSessions.adminId, adminId)))
    .get()?.admin;
}

export function deleteAdminSession({ sessionId }: { sessionId: string }): void {
  getDb().delete(adminSessions).where(eq(adminSessions.idHash, hashToken(sessionId))).run();
}

/** Signs an admin out everywhere (a password reset must not leave an old session working). */
export function deleteAdminSessions({ adminId }: { adminId: number }): void {
  getDb().delete(adminSessions).where(eq(adminSessions.adminId, adminId)).run();
}

export function recordSignIn({ adminId, at }: { adminId: number; at: Date }): void {
  getDb().update(admins).set({ lastSignInAt: at }).where(eq(admins.id, adminId)).run();
}

const SETUP_TOKEN_TTL_MS = 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new one-time setup link token; only its hash is stored. Earlier unused tokens stop working. */
export function createSetupToken({ now = new Date() }: { now?: Date } = {}): { token: string; expiresAt: Date } {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SETUP_TOKEN_TTL_MS);
  const db = getDb();
  db.transaction((tx) => {
    tx.update(setupTokens).set({ usedAt: now }).where(isNull(setupTokens.usedAt)).run();
    tx.insert(setupTokens).values({ tokenHash: hashToken(token), createdAt: now, expiresAt }).run();
  });
  return { token, expiresAt };
}

export function isSetupTokenValid({ token, now = new Date() }: { token: string; now?: Date }): boolean {
  const row = getDb()
    .select({ id: setupTokens.id })
    .from(setupTokens)
    .where(and(eq(setupTokens.tokenHash, hashToken(token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now)))
    .get();
  return row !== undefined;
}

/**
 * Uses the setup token and creates the first admin in one transaction: the token works once, and only while no
 * admin exists yet.
 */
export function createFirstAdminWithToken({
  token,
  email,
  passwordHash,
  now = new Date(),
}: {
  token: string;
  email: string;
  passwordHash: string;
  now?: Date;
}): Admin | null {
  return getDb().transaction((tx) => {
    const used = tx
      .update(setupTokens)
      .set({ usedAt: now })
      .where(and(eq(setupTokens.tokenHash, hashToken(token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now)))
      .run();
    if (used.changes !== 1) return null;
    if ((tx.select({ n: count() }).from(admins).get()?.n ?? 0) > 0) return null;
    return tx.insert(admins).values({ email, passwordHash }).returning().get();
  });
}
