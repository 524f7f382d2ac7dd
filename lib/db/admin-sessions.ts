import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, getTableColumns } from "drizzle-orm";
import { firstRow, getDb, getSqlite, isPostgres } from "./client";
import type { Admin } from "./schema";
import { admins, adminSessions } from "./tables";
import { writeStatement } from "./transaction";

/**
 * Signed-in sessions: a sign-in creates a row, sign-out deletes it, and getAdmin() requires it. Only the SHA-256 of
 * the session id (which travels in the cookie) is stored.
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
const prepared = new WeakMap<object, { get(idHash: string, adminId: number): AdminRow | undefined }>();

function sessionQuery() {
  const sqlite = getSqlite();
  let statement = prepared.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare<[string, number], AdminRow>(
      `SELECT a.id, a.email, a.password_hash, a.created_at, a.last_sign_in_at
         FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
        WHERE s.id_hash = ? AND s.admin_id = ?`,
    );
    prepared.set(sqlite, statement);
  }
  return statement;
}

/** The admin a live session belongs to: both must still exist (a signed-out session or a deleted admin is none). */
export async function findAdminBySession({ adminId, sessionId }: { adminId: number; sessionId: string }): Promise<Admin | undefined> {
  if (isPostgres()) {
    return firstRow(
      await getDb()
        .select(getTableColumns(admins))
        .from(adminSessions)
        .innerJoin(admins, eq(admins.id, adminSessions.adminId))
        .where(and(eq(adminSessions.idHash, hashSessionId(sessionId)), eq(adminSessions.adminId, adminId))),
    );
  }
  const row = sessionQuery().get(hashSessionId(sessionId), adminId);
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

/** Signs an admin out everywhere (a password reset must not leave an old session working). */
export async function deleteAdminSessions({ adminId }: { adminId: number }): Promise<void> {
  await writeStatement((db) => db.delete(adminSessions).where(eq(adminSessions.adminId, adminId)));
}
