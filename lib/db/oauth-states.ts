import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { affectedRows, firstRow, getDb } from "./client";
import { oauthStates } from "./tables";
import { writeStatement, writeTransaction } from "./transaction";

/**
 * OAuth `state` values: single use, bound to the admin who clicked Authorize, twenty minutes of life: as long as
 * amoCRM's authorization code lives (docs/amocrm-contract.md §3.3, §9.6), so a state never dies before the code it
 * comes back with.
 */

export const OAUTH_STATE_TTL_MS = 20 * 60 * 1000;
/**
 * How long a state is kept after its life ended: a late or repeated callback is still told "expired" or "already
 * used" (with how it ended) rather than "unknown", and then the row goes.
 */
export const OAUTH_STATE_KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;

function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

/** 32 random bytes for the consent page's `state`; only the hash is stored, bound to the admin. */
export async function createOauthState({ adminId, now = new Date() }: { adminId: number; now?: Date }): Promise<string> {
  const state = randomBytes(32).toString("base64url");
  // Used and expired states are purged as new ones are made, so the table holds about a day of flows. Neither
  // statement reads before it writes, so on PostgreSQL the pair needs no writer lock (`concurrent`).
  await writeTransaction(
    async (tx) => {
      await tx.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date(now.getTime() - OAUTH_STATE_KEEP_AFTER_EXPIRY_MS)));
      await tx
        .insert(oauthStates)
        .values({ stateHash: hashState(state), adminId, createdAt: now, expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_MS) });
    },
    { concurrent: true },
  );
  return state;
}

export type ConsumeStateResult =
  | { ok: true; stateHash: string }
  | { ok: false; code: "state_invalid" | "state_expired" | "state_other_admin" }
  | { ok: false; code: "state_used"; outcome: string | null };

/** Marks the state used in one conditional update, so two callbacks racing with one state cannot both pass. */
export async function consumeOauthState({
  state,
  adminId,
  now = new Date(),
}: {
  state: string;
  adminId: number;
  now?: Date;
}): Promise<ConsumeStateResult> {
  const stateHash = hashState(state);
  const used = await writeStatement((db) =>
    db
      .update(oauthStates)
      .set({ usedAt: now })
      .where(and(eq(oauthStates.stateHash, stateHash), eq(oauthStates.adminId, adminId), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, now))),
  );
  if (affectedRows(used) === 1) return { ok: true, stateHash };
  const row = firstRow(await getDb().select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash)));
  if (!row) return { ok: false, code: "state_invalid" };
  if (row.adminId !== adminId) return { ok: false, code: "state_other_admin" };
  if (row.usedAt) return { ok: false, code: "state_used", outcome: row.outcome };
  return { ok: false, code: "state_expired" };
}

export async function setOauthStateOutcome({ stateHash, outcome }: { stateHash: string; outcome: string }): Promise<void> {
  await writeStatement((db) => db.update(oauthStates).set({ outcome }).where(eq(oauthStates.stateHash, stateHash)));
}
