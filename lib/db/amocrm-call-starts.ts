import "server-only";
import { sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { AMOCRM_CALLS_LOCK_KEY, getPostgresDb } from "./client";
import { amocrmCallStarts } from "./tables";
import { writeTransaction } from "./transaction";

/**
 * The amoCRM call window shared by every server on one PostgreSQL database: the start times of recent calls, on
 * the database server's clock (servers' own clocks may differ), read and appended under one transaction-scoped
 * advisory lock, so two servers never both see room for the same last slot. The policy (how many, how long) stays
 * in lib/amocrm/http.ts: it passes `decide`. Rows older than the window are deleted by the next taker, so the table
 * holds a handful of rows. PostgreSQL only: on SQLite one server process counts in memory.
 */

/** The window as `decide` sees it: the recent starts oldest first, and the database's clock, in milliseconds. */
export interface CallWindow {
  now: number;
  starts: number[];
}

type PgExecutor = Pick<NodePgDatabase, "execute">;

async function readWindow(db: PgExecutor, spanMs: number, { prune }: { prune: boolean }): Promise<CallWindow> {
  // clock_timestamp(), not now(): now() is when the transaction began, before the lock may have been waited for.
  const since = sql`clock_timestamp() - ${spanMs}::double precision * interval '1 millisecond'`;
  const pruned = prune ? sql`WITH pruned AS (DELETE FROM ${amocrmCallStarts} WHERE ${amocrmCallStarts.startedAt} <= ${since}) ` : sql``;
  const result = await db.execute<{ now: number; starts: number[] }>(sql`${pruned}SELECT
      (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now,
      coalesce(
        (SELECT array_agg((extract(epoch FROM ${amocrmCallStarts.startedAt}) * 1000)::float8 ORDER BY ${amocrmCallStarts.startedAt})
           FROM ${amocrmCallStarts} WHERE ${amocrmCallStarts.startedAt} > ${since}),
        '{}'::float8[]
      ) AS starts`);
  const row = result.rows[0];
  return { now: Number(row?.now ?? Date.now()), starts: (row?.starts ?? []).map(Number) };
}

/**
 * Takes one start when `decide` finds room (it returns 0) and answers 0; otherwise answers `decide`'s wait in
 * milliseconds and takes nothing. Never inside another write transaction (a call to amoCRM never is).
 */
export async function takeSharedCallStart({ spanMs, decide }: { spanMs: number; decide: (window: CallWindow) => number }): Promise<number> {
  return writeTransaction(
    async (tx) => {
      const db = tx as unknown as PgExecutor;
      await db.execute(sql`SELECT pg_advisory_xact_lock(${AMOCRM_CALLS_LOCK_KEY})`);
      const wait = decide(await readWindow(db, spanMs, { prune: true }));
      if (wait > 0) return wait;
      await db.execute(sql`INSERT INTO ${amocrmCallStarts} (${sql.identifier(amocrmCallStarts.startedAt.name)}) VALUES (clock_timestamp())`);
      return 0;
    },
    // Its own advisory lock instead of the writer lock: a call to amoCRM never waits for unrelated writes.
    { concurrent: true },
  );
}

/** The shared window as it is now, without taking a start (the benchmark waits until a burst would go unheld). */
export async function readSharedCallWindow({ spanMs }: { spanMs: number }): Promise<CallWindow> {
  return readWindow(getPostgresDb(), spanMs, { prune: false });
}
