import "server-only";
import { sql } from "drizzle-orm";
import { firstRow, getDb } from "./client";
import type { ALERT_CHANNELS } from "./schema";
import { alertChannelHealth } from "./tables";
import { writeStatement } from "./transaction";

/** Each alert channel's failures in a row and last success: /status shows a channel that keeps failing. */

type Channel = (typeof ALERT_CHANNELS)[number];

export interface ChannelHealth {
  channel: Channel;
  consecutiveFailures: number;
  lastErrorCode: string | null;
  lastErrorDetail: Record<string, string | number>;
  lastErrorAt: Date | null;
  lastSuccessAt: Date | null;
}

export async function recordChannelSuccess({ channel, now }: { channel: Channel; now: Date }): Promise<void> {
  await writeStatement((db) =>
    db
      .insert(alertChannelHealth)
      .values({ channel, consecutiveFailures: 0, lastSuccessAt: now })
      .onConflictDoUpdate({ target: alertChannelHealth.channel, set: { consecutiveFailures: 0, lastSuccessAt: now } }),
  );
}

/** Counts one more failure in a row; returns the new count. */
export async function recordChannelFailure({
  channel,
  code,
  detail = {},
  now,
}: {
  channel: Channel;
  code: string;
  /** Safe facts only: an HTTP status, a host. */
  detail?: Record<string, string | number>;
  now: Date;
}): Promise<number> {
  const lastErrorDetail = JSON.stringify(detail);
  const row = firstRow(
    await writeStatement((db) =>
      db
        .insert(alertChannelHealth)
        .values({ channel, consecutiveFailures: 1, lastErrorCode: code, lastErrorDetail, lastErrorAt: now })
        .onConflictDoUpdate({
          target: alertChannelHealth.channel,
          set: { consecutiveFailures: sql`${alertChannelHealth.consecutiveFailures} + 1`, lastErrorCode: code, lastErrorDetail, lastErrorAt: now },
        })
        .returning({ failures: alertChannelHealth.consecutiveFailures }),
    ),
  );
  return row?.failures ?? 1;
}

export async function listChannelHealth(): Promise<ChannelHealth[]> {
  return (await getDb().select().from(alertChannelHealth)).map((row) => {
      let detail: Record<string, string | number> = {};
      try {
        detail = row.lastErrorDetail ? (JSON.parse(row.lastErrorDetail) as Record<string, string | number>) : {};
      } catch {
        // An unreadable detail: the code alone still says what failed.
      }
      return { ...row, lastErrorDetail: detail };
    });
}
