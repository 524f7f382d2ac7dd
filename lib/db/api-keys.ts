import "server-only";
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { affectedRows, firstRow, getDb } from "./client";
import { preparedQuery } from "./prepared";
import type { ApiKey } from "./schema";
import { apiKeys } from "./tables";
import { writeStatement } from "./transaction";

/**
 * Site API keys (interfaces.md, "Site API keys"): `amc_` and 32 random bytes, shown once, stored only as a SHA-256
 * hash. A key is found by its hash and the hash is compared again in constant time, so an answer's timing says
 * nothing about how close a guess came.
 */

export const API_KEY_PREFIX = "amc_";
export const API_KEY_NAME_MAX = 100;
// `amc_` and six characters of the random part: enough to tell keys apart in a list, nothing to guess with.
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;
// base64url of 32 bytes.
const KEY_PATTERN = /^amc_[A-Za-z0-9_-]{43}$/;

function hashKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function summary(row: ApiKey): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/** A new key: the full value is returned once, here, and never again. */
export async function createApiKey({ name, createdBy, now = new Date() }: { name: string; createdBy: string | null; now?: Date }): Promise<{ key: string; apiKey: ApiKeySummary }> {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const [row] = await writeStatement((db) =>
    db
      .insert(apiKeys)
      .values({ id: randomUUID(), name, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), keyHash: hashKey(key).toString("hex"), createdAt: now, createdBy })
      .returning(),
  );
  if (!row) throw new Error("createApiKey: no row returned");
  return { key, apiKey: summary(row) };
}

/** The active key this bearer value names, or null (malformed, unknown or revoked). */
export async function findActiveApiKey(presented: string): Promise<ApiKeySummary | null> {
  if (!KEY_PATTERN.test(presented)) return null;
  const hash = hashKey(presented);
  // Every website lead asks this.
  const byHash = preparedQuery("api-keys.active-by-hash", getDb(), (db) =>
    db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), isNull(apiKeys.revokedAt)))
      .limit(1)
      .prepare(),
  );
  const row = firstRow(await byHash.execute({ keyHash: hash.toString("hex") }));
  if (!row || !timingSafeEqual(Buffer.from(row.keyHash, "hex"), hash)) return null;
  return summary(row);
}

export async function listApiKeys(): Promise<ApiKeySummary[]> {
  return (await getDb().select().from(apiKeys).orderBy(desc(apiKeys.createdAt))).map(summary);
}

/** Revokes a key at once; true when it was active. */
export async function revokeApiKey({ id, now = new Date() }: { id: string; now?: Date }): Promise<boolean> {
  const result = await writeStatement((db) => db.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))));
  return affectedRows(result) === 1;
}

/** Whether any key can send leads now: the guide's "connect your website" step is done by it. */
export async function hasActiveApiKey(): Promise<boolean> {
  return firstRow(await getDb().select({ id: apiKeys.id }).from(apiKeys).where(isNull(apiKeys.revokedAt)).limit(1)) !== undefined;
}
