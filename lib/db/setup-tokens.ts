import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, gt, isNull } from "drizzle-orm";
import { getDb } from "./client";
import { admins, setupTokens, type Admin } from "./schema";
import { writeTransaction } from "./transaction";

/** One-time links that let the first admin choose an email and password. Only the SHA-256 of a token is kept. */

const SETUP_TOKEN_TTL_MS = 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new one-time setup link token. Earlier unused tokens stop working. */
export async function createSetupToken({ now = new Date() }: { now?: Date } = {}): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SETUP_TOKEN_TTL_MS);
  await writeTransaction((tx) => {
    tx.update(setupTokens).set({ usedAt: now }).where(isNull(setupTokens.usedAt)).run();
    tx.insert(setupTokens).values({ tokenHash: hashToken(token), createdAt: now, expiresAt }).run();
  });
  return { token, expiresAt };
}

export async function isSetupTokenValid({ token, now = new Date() }: { token: string; now?: Date }): Promise<boolean> {
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
export async function createFirstAdminWithToken({
  token,
  email,
  passwordHash,
  now = new Date(),
}: {
  token: string;
  email: string;
  passwordHash: string;
  now?: Date;
}): Promise<Admin | null> {
  return writeTransaction((tx) => {
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
