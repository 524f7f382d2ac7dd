import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, gt, isNull } from "drizzle-orm";
import { affectedRows, firstRow, getDb } from "./client";
import type { Admin } from "./schema";
import { admins, setupTokens } from "./tables";
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
  await writeTransaction(async (tx) => {
    await tx.update(setupTokens).set({ usedAt: now }).where(isNull(setupTokens.usedAt));
    await tx.insert(setupTokens).values({ tokenHash: hashToken(token), createdAt: now, expiresAt });
  });
  return { token, expiresAt };
}

export async function isSetupTokenValid({ token, now = new Date() }: { token: string; now?: Date }): Promise<boolean> {
  const row = firstRow(
    await getDb()
      .select({ id: setupTokens.id })
      .from(setupTokens)
      .where(and(eq(setupTokens.tokenHash, hashToken(token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now))),
  );
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
  return writeTransaction(async (tx) => {
    const used = await tx
      .update(setupTokens)
      .set({ usedAt: now })
      .where(and(eq(setupTokens.tokenHash, hashToken(token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now)));
    if (affectedRows(used) !== 1) return null;
    if ((firstRow(await tx.select({ n: count() }).from(admins))?.n ?? 0) > 0) return null;
    return firstRow(await tx.insert(admins).values({ email, passwordHash }).returning()) ?? null;
  });
}
