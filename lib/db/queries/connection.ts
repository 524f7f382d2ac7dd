import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { connectionEvents, connections, type Connection, type ConnectionEvent } from "@/lib/db/schema";

/** The app connects one amoCRM account; its row has this id. */
export const CONNECTION_ID = 1;

export function getConnection(): Connection | undefined {
  return getDb().select().from(connections).where(eq(connections.id, CONNECTION_ID)).get();
}

export function listEvents({ limit = 20 }: { limit?: number } = {}): ConnectionEvent[] {
  return getDb()
    .select()
    .from(connectionEvents)
    .where(eq(connectionEvents.connectionId, CONNECTION_ID))
    .orderBy(desc(connectionEvents.at), desc(connectionEvents.id))
    .limit(limit)
    .all();
}
