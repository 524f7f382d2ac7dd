import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { AlertEvent } from "@/lib/alerts/events";
import { enqueueAlertEventTx } from "./alert-deliveries";
import { affectedRows, firstRow, getDb, type Db, type Tx } from "./client";
import { CONNECTION_ID, insertEvent, type EventInput } from "./events";
import { preparedQuery } from "./prepared";
import type { Connection, NewConnection } from "./schema";
import { canOpenSecret, openSecret, sealSecret, type SecretColumn } from "./secret-columns";
import { connections } from "./tables";
import { writeStatement, writeTransaction } from "./transaction";

/**
 * The amoCRM connection row: reads, and one conditional writer. What the columns should become (state, backoff,
 * errors, which tokens to keep) is decided by lib/amocrm/connection-state.ts; this module only stores it.
 */

const slot = (column: SecretColumn<"connections">) => ({ table: "connections" as const, column, rowId: CONNECTION_ID });

// Every token use, every status request and every state change reads this row: prepared once, building it each
// time cost 20 times the read itself.
const theRow = (db: Db | Tx) =>
  preparedQuery("connections.the-row", db, (handle) => handle.select().from(connections).where(eq(connections.id, CONNECTION_ID)).prepare());

export async function getConnection(): Promise<Connection | undefined> {
  return firstRow(await theRow(getDb()).execute());
}

/** The access token alone, for the hot path that only needs it; throws DecryptionError like readSecrets. */
export function readAccessToken(connection: Pick<Connection, "accessTokenEnc">): string | null {
  return connection.accessTokenEnc ? openSecret(slot("access_token_enc"), connection.accessTokenEnc) : null;
}

/** Decrypted secrets of the connection; throws DecryptionError when no configured key opens them. */
export function readSecrets(connection: Pick<Connection, "clientSecretEnc" | "accessTokenEnc" | "refreshTokenEnc">): {
  clientSecret: string | null;
  accessToken: string | null;
  refreshToken: string | null;
} {
  return {
    clientSecret: connection.clientSecretEnc ? openSecret(slot("client_secret_enc"), connection.clientSecretEnc) : null,
    accessToken: readAccessToken(connection),
    refreshToken: connection.refreshTokenEnc ? openSecret(slot("refresh_token_enc"), connection.refreshTokenEnc) : null,
  };
}

/** The saved Client Secret, or null when none is saved or no configured key opens it. */
export function readClientSecretOrNull(connection: Pick<Connection, "clientSecretEnc">): string | null {
  if (!connection.clientSecretEnc || !canOpenSecret(slot("client_secret_enc"), connection.clientSecretEnc)) return null;
  return openSecret(slot("client_secret_enc"), connection.clientSecretEnc);
}

/**
 * True when a stored secret exists that no configured key can open (the wrong ENCRYPTION_KEY). The verdict is cached
 * per ciphertext, so asking on every status request costs no decryption after the first.
 */
export function hasUnreadableSecret(connection: Pick<Connection, "clientSecretEnc" | "accessTokenEnc" | "refreshTokenEnc">): boolean {
  return (
    (connection.clientSecretEnc !== null && !canOpenSecret(slot("client_secret_enc"), connection.clientSecretEnc)) ||
    (connection.accessTokenEnc !== null && !canOpenSecret(slot("access_token_enc"), connection.accessTokenEnc)) ||
    (connection.refreshTokenEnc !== null && !canOpenSecret(slot("refresh_token_enc"), connection.refreshTokenEnc))
  );
}

/** The plain columns a writer may set; secrets go through `secrets` (sealed here), the generation through `bumpGeneration`. */
export type ConnectionFields = Partial<
  Omit<NewConnection, "id" | "createdAt" | "generation" | "clientSecretEnc" | "accessTokenEnc" | "refreshTokenEnc">
>;

export interface ConnectionWrite {
  fields: ConnectionFields;
  /** Plain values to seal into their columns; null empties a column, a missing key leaves it. */
  secrets?: { clientSecret?: string | null; accessToken?: string | null; refreshToken?: string | null };
  /** Every stored token pair (and every forgetting of one) moves the generation, so racing refreshes notice. */
  bumpGeneration?: boolean;
  /** Recorded in the same transaction. */
  event?: EventInput;
  /** An alert about the state change, queued in the same transaction (lib/alerts/events.ts decides which). */
  alert?: AlertEvent | null;
}

/**
 * The one writer of the connection row. `decide` sees the row as it is inside the write transaction (BEGIN
 * IMMEDIATE on SQLite, the writer lock on PostgreSQL: no other writer can move it in between) and returns what to write, or null to leave it; a missing row
 * is created with the decided fields. Returns whether something was written and the row `decide` saw.
 */
export async function updateConnection(
  decide: (row: Connection | undefined) => ConnectionWrite | null,
): Promise<{ written: boolean; before: Connection | undefined }> {
  return writeTransaction(async (tx) => {
    const before = firstRow(await theRow(tx).execute());
    const write = decide(before);
    if (!write) return { written: false, before };
    const values: Partial<NewConnection> = { ...write.fields };
    const secrets = write.secrets ?? {};
    const seal = (value: string | null, column: SecretColumn<"connections">) => (value === null ? null : sealSecret(slot(column), value));
    if (secrets.clientSecret !== undefined) values.clientSecretEnc = seal(secrets.clientSecret, "client_secret_enc");
    if (secrets.accessToken !== undefined) values.accessTokenEnc = seal(secrets.accessToken, "access_token_enc");
    if (secrets.refreshToken !== undefined) values.refreshTokenEnc = seal(secrets.refreshToken, "refresh_token_enc");
    if (!before) {
      // Nothing to create a row from (an event about a connection that does not exist): the log still says it.
      if (!values.platform) {
        if (write.event) await insertEvent(tx, write.event);
        return { written: false, before };
      }
      await tx
        .insert(connections)
        .values({ updatedAt: new Date(), ...values, platform: values.platform, id: CONNECTION_ID, generation: write.bumpGeneration ? 1 : 0 });
    } else {
      const set = write.bumpGeneration ? { ...values, generation: sql`${connections.generation} + 1` } : values;
      if (Object.keys(set).length > 0) await tx.update(connections).set(set).where(eq(connections.id, CONNECTION_ID));
    }
    if (write.event) await insertEvent(tx, write.event);
    if (write.alert) await enqueueAlertEventTx(tx, write.alert);
    return { written: true, before };
  });
}

export async function recordCheck({ ok, latencyMs, now = new Date() }: { ok: boolean; latencyMs: number | null; now?: Date }): Promise<void> {
  await writeStatement((db) =>
    db.update(connections).set({ lastCheckAt: now, lastCheckOk: ok, lastCheckLatencyMs: latencyMs }).where(eq(connections.id, CONNECTION_ID)),
  );
}

/**
 * Written before the refresh token is sent: if the process dies between amoCRM's answer and the commit, the intent
 * stays behind and the next start knows a refresh may have been lost (docs/amocrm-contract.md §3.3: the old token still works).
 */
export async function recordRefreshIntent({ generation, now }: { generation: number; now: Date }): Promise<boolean> {
  const result = await writeStatement((db) =>
    db
      .update(connections)
      .set({ refreshIntentGeneration: generation, refreshIntentAt: now })
      .where(and(eq(connections.id, CONNECTION_ID), eq(connections.generation, generation))),
  );
  return affectedRows(result) === 1;
}

/** Clears an intent that no longer applies, unless a newer one replaced it meanwhile. */
export async function clearRefreshIntent({ intentGeneration }: { intentGeneration: number }): Promise<void> {
  await writeStatement((db) =>
    db
      .update(connections)
      .set({ refreshIntentGeneration: null, refreshIntentAt: null })
      .where(and(eq(connections.id, CONNECTION_ID), eq(connections.refreshIntentGeneration, intentGeneration))),
  );
}
