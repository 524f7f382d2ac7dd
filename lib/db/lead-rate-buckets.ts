import "server-only";
import { lt, sql } from "drizzle-orm";
import { leadRateBuckets } from "./tables";
import { writeStatement } from "./transaction";

/**
 * `LEADS_RATE_PER_MINUTE` across every server on one PostgreSQL database: accepted lead posts per site API key per
 * calendar minute, counted by one atomic upsert that only adds while the minute's count is under the limit. Fixed
 * minutes rather than the single server's sliding window: one statement per accepted post, at the price that a key
 * may place up to the limit at the end of one minute and again at the start of the next. On SQLite the one server
 * process keeps its sliding window in memory (lib/leads/intake.ts), which costs no statement at all.
 */

const MINUTE_MS = 60_000;

export type BucketAnswer = { ok: true } | { ok: false; retryAfterSeconds: number };

// The minute this process last swept finished buckets from: one delete per minute per process, not per post.
const sweeps = globalThis as unknown as { amocrmLeadBucketSweptMinute?: number };

export async function admitToSharedMinute({ apiKeyId, now, limit }: { apiKeyId: string; now: Date; limit: number }): Promise<BucketAnswer> {
  const minuteStart = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const counted = await writeStatement((db) =>
    db
      .insert(leadRateBuckets)
      .values({ apiKeyId, minuteStart: new Date(minuteStart), accepted: 1 })
      .onConflictDoUpdate({
        target: [leadRateBuckets.apiKeyId, leadRateBuckets.minuteStart],
        set: { accepted: sql`${leadRateBuckets.accepted} + 1` },
        setWhere: lt(leadRateBuckets.accepted, limit),
      })
      .returning({ accepted: leadRateBuckets.accepted }),
  );
  if (sweeps.amocrmLeadBucketSweptMinute !== minuteStart) {
    sweeps.amocrmLeadBucketSweptMinute = minuteStart;
    await writeStatement((db) => db.delete(leadRateBuckets).where(lt(leadRateBuckets.minuteStart, new Date(minuteStart))));
  }
  if (counted.length > 0) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((minuteStart + MINUTE_MS - now.getTime()) / 1000)) };
}

