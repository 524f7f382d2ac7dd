import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { getDb, type Tx } from "./client";
import { preparedQuery } from "./prepared";
import type { ConnectionEvent } from "./schema";
import { connectionEvents } from "./tables";
import { writeStatement } from "./transaction";

/** The connection's event log: what happened, who did it, safe details only (codes, hosts, times; never a secret). */

/** The app connects one amoCRM account; its row (and its events) use this id. */
export const CONNECTION_ID = 1;

export interface Actor {
  actor: "admin" | "system" | "amocrm";
  actorEmail?: string | null;
}

export interface EventInput extends Actor {
  type: string;
  details?: Record<string, unknown>;
  at: Date;
}

/** For lib/db writers: records the event inside their transaction. */
export async function insertEvent(tx: Tx, { type, details, at, actor, actorEmail }: EventInput): Promise<void> {
  // Most writes log an event: prepared once, as the connection row's read is.
  const insert = preparedQuery("connection-events.insert", tx, (db) =>
    db
      .insert(connectionEvents)
      .values({
        connectionId: CONNECTION_ID,
        at: sql.placeholder("at"),
        actor: sql.placeholder("actor"),
        actorEmail: sql.placeholder("actorEmail"),
        type: sql.placeholder("type"),
        details: sql.placeholder("details"),
      })
      .prepare(),
  );
  await insert.execute({ at, actor, actorEmail: actorEmail ?? null, type, details: details ? JSON.stringify(details) : null });
}

export async function addEvent(input: Omit<EventInput, "at"> & { at?: Date }): Promise<void> {
  await writeStatement((db) => insertEvent(db, { ...input, at: input.at ?? new Date() }));
}

export async function listEvents({ limit = 20 }: { limit?: number } = {}): Promise<ConnectionEvent[]> {
  return getDb()
    .select()
    .from(connectionEvents)
    .where(eq(connectionEvents.connectionId, CONNECTION_ID))
    .orderBy(desc(connectionEvents.at), desc(connectionEvents.id))
    .limit(limit);
}
