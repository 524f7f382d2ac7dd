import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, getTableColumns, gt, lte } from "drizzle-orm";
import { affectedRows, firstRow, getDb, getSqlite, isPostgres } from "./client";
import type { Admin } from "./schema";
import { admins, adminSessions } from "./tables";
import { writeStatement } from "./transaction";

/**
 * Signed-in sessions: a sign-in creates a row, sign-out deletes it, and getAdmin() requires it, younger than the
 * absolute lifetime (lib/auth/session-policy.ts). Only the SHA-256 of the session id (which travels in the cookie)
 * is stored.
 */

function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/** Records a sign-in as a new session; the returned id goes into the session cookie. */
export async function createAdminSession({ adminId, now = new Date() }: { adminId: number; now?: Date }): Promise<string> {
  const sessionId = randomBytes(32).toString("base64url");
  await writeStatement((db) => db.insert(adminSessions).values({ idHash: hashSessionId(sessionId), adminId, createdAt: now }));
  return sessionId;
}

interface AdminRow {
  id: number;
  email: string;
  password_hash: string;
  created_at: number;
  last_sign_in_at: number | null;
}

// Every admin request asks this, so it is one join prepared once per database handle (building it through the
// query builder each time cost more than running it).
const prepared = new WeakMap<object, { get(idHash: string, adminId: number, createdAfter: number): AdminRow | undefined }>();

function sessionQuery() {
  const sqlite = getSqlite();
  let statement = prepared.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare<[string, number, number], AdminRow>(
      `SELECT a.id, a.email, a.password_hash, a.created_at, a.last_sign_in_at
         FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
        WHERE s.id_hash = ? AND s.admin_id = ? AND s.created_at > ?`,
    );
    prepared.set(sqlite, statement);
  }
  return statement;
}

/**
 * The admin a live session belongs to: both must still exist and the session must have started after
 * `createdAfter` (a signed-out or expired session, or a deleted admin, is none).
 */
export async function findAdminBySession({
  adminId,
  sessionId,
  createdAfter,
}: {
  adminId: number;
  sessionId: string;
  createdAfter: Date;
}): Promise<Admin | undefined> {
  if (isPostgres()) {
    return firstRow(
      await getDb()
        .select(getTableColumns(admins))
        .from(adminSessions)
        .innerJoin(admins, eq(admins.id, adminSessions.adminId))
        .where(
          and(
            eq(adminSessions.idHash, hashSessionId(sessionId)),
            eq(adminSessions.adminId, adminId),
            gt(adminSessions.createdAt, createdAfter),
          ),
        ),
    );
  }
  const row = sessionQuery().get(hashSessionId(sessionId), adminId, createdAfter.getTime());
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
    lastSignInAt: row.last_sign_in_at === null ? null : new Date(row.last_sign_in_at),
  };
}

export async function deleteAdminSession({ sessionId }: { sessionId: string }): Promise<void> {
  await writeStatement((db) => db.delete(adminSessions).where(eq(adminSessions.idHash, hashSessionId(sessionId))));
}

/** Signs an admin out everywhere (a password reset or "Sign out everywhere"); returns how many sessions ended. */
export async function deleteAdminSessions({ adminId }: { adminId: number }): Promise<number> {
  return affectedRows(await writeStatement((db) => db.delete(adminSessions).where(eq(adminSessions.adminId, adminId))));
}

/** Drops one admin's sessions that are past their lifetime (they open nothing already; this keeps the table small). */
export async function deleteExpiredAdminSessions({ adminId, createdBefore }: { adminId: number; createdBefore: Date }): Promise<void> {
  await writeStatement((db) =>
    db.delete(adminSessions).where(and(eq(adminSessions.adminId, adminId), lte(adminSessions.createdAt, createdBefore))),
  );
}
