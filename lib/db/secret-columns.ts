import "server-only";
import { eq, isNotNull } from "drizzle-orm";
import { decryptSecret, DecryptionError, encryptSecret, keyIdOf } from "@/lib/crypto/secrets";
import { getEnv } from "@/lib/env";
import { getDb, type Db, type Tx } from "./client";
import { listLiveLeases } from "./lease";
import { alertSettings, connections, leads } from "./tables";
import { writeTransaction } from "./transaction";

/**
 * The secret-slot scheme, defined once: every encrypted column, and its values sealed with associated data naming
 * `table:column:row`, so a ciphertext copied to another row or column fails to open. Encryption itself is
 * lib/crypto/secrets.ts.
 */

/** Every secret column, per table: the Drizzle property and its SQL name (the associated data uses the SQL name). */
export const SECRET_COLUMNS = {
  connections: {
    clientSecretEnc: "client_secret_enc",
    accessTokenEnc: "access_token_enc",
    refreshTokenEnc: "refresh_token_enc",
  },
  /** A website lead's personal data (name, phone, email, message, page, UTM) as one JSON value. */
  leads: {
    dataEnc: "data_enc",
  },
  /** The alert webhook's signing secret. */
  alert_settings: {
    webhookSecretEnc: "webhook_secret_enc",
  },
} as const;

type SecretTable = keyof typeof SECRET_COLUMNS;
export type SecretColumn<T extends SecretTable = SecretTable> = Extract<(typeof SECRET_COLUMNS)[T][keyof (typeof SECRET_COLUMNS)[T]], string>;

interface Slot<T extends SecretTable> {
  table: T;
  column: SecretColumn<T>;
  rowId: number | string;
}

/** Encrypts a value for one slot under the current key. */
export function sealSecret<T extends SecretTable>(slot: Slot<T>, value: string): string {
  return encryptSecret(value, slot, getEnv().encryptionKeys[0]);
}

/** Decrypts one slot's value with any configured key; throws DecryptionError when none opens it. */
export function openSecret<T extends SecretTable>(slot: Slot<T>, stored: string): string {
  return decryptSecret(stored, slot, getEnv().encryptionKeys);
}

// Whether the configured keys open a stored value. Ciphertexts never repeat (a fresh IV each time), so the verdict
// for one value under one key set never changes: the status page asks on every request, the cipher runs once.
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 256;

/** True when the configured keys open `stored`; cached per key set, slot and ciphertext. */
export function canOpenSecret<T extends SecretTable>(slot: Slot<T>, stored: string): boolean {
  const keys = getEnv().encryptionKeys;
  const cacheKey = `${keys.map((key) => key.id).join(",")}|${slot.table}:${slot.column}:${slot.rowId}|${stored}`;
  const known = verdicts.get(cacheKey);
  if (known !== undefined) return known;
  let verdict: boolean;
  try {
    decryptSecret(stored, slot, keys);
    verdict = true;
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    verdict = false;
  }
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(cacheKey, verdict);
  return verdict;
}

export interface RotationReport {
  values: number;
  reencrypted: number;
  alreadyCurrent: number;
}

/**
 * A server holds a lease on this database (its lead worker renews one every few seconds while it runs). A server
 * still running with the old key would keep sealing new tokens under it after the rotation, and they would be lost
 * once that key is dropped: rotate only with every server stopped.
 */
export class ServerRunningError extends Error {
  constructor(readonly leaseNames: string[]) {
    super(`a server is running on this database (it holds: ${leaseNames.join(", ")})`);
    this.name = "ServerRunningError";
  }
}

export interface KeyUsage {
  values: number;
  underCurrentKey: number;
  /** Values sealed under a key of ENCRYPTION_KEYS_PREVIOUS: that key cannot be dropped yet. */
  underPreviousKeys: number;
}

const CONNECTION_COLUMNS = Object.entries(SECRET_COLUMNS.connections) as Array<[keyof typeof SECRET_COLUMNS.connections, SecretColumn<"connections">]>;

/** Every stored secret value (sealed). */
async function storedValues(tx: Tx | Db): Promise<string[]> {
  const values: string[] = [];
  for (const row of await tx.select().from(connections)) {
    for (const [property] of CONNECTION_COLUMNS) {
      const stored = row[property];
      if (stored) values.push(stored);
    }
  }
  for (const row of await tx.select({ dataEnc: leads.dataEnc }).from(leads).where(isNotNull(leads.dataEnc))) {
    if (row.dataEnc) values.push(row.dataEnc);
  }
  for (const row of await tx.select({ secret: alertSettings.webhookSecretEnc }).from(alertSettings).where(isNotNull(alertSettings.webhookSecretEnc))) {
    if (row.secret) values.push(row.secret);
  }
  return values;
}

/**
 * How many stored secrets are under the current key and how many still under a previous one. Read-only, so it may
 * run while the server does: ENCRYPTION_KEYS_PREVIOUS may be emptied only once `underPreviousKeys` is 0
 * (`npm run keys:rotate -- --check`).
 */
export async function inspectEncryptionKeys(): Promise<KeyUsage> {
  const current = getEnv().encryptionKeys[0];
  const usage: KeyUsage = { values: 0, underCurrentKey: 0, underPreviousKeys: 0 };
  for (const stored of await storedValues(getDb())) {
    usage.values += 1;
    if (keyIdOf(stored) === current.id) usage.underCurrentKey += 1;
    else usage.underPreviousKeys += 1;
  }
  return usage;
}

/**
 * Re-encrypts every stored secret under the current ENCRYPTION_KEY, in one transaction: values under any key of
 * ENCRYPTION_KEYS_PREVIOUS are accepted; one value that no key opens aborts the whole rotation with nothing changed.
 * Refused (ServerRunningError, nothing changed) while a server holds a lease on the database.
 */
export async function rotateEncryptionKeys(): Promise<RotationReport> {
  const current = getEnv().encryptionKeys[0];
  const columns = CONNECTION_COLUMNS;
  return writeTransaction(async (tx) => {
    const held = await listLiveLeases(tx);
    if (held.length > 0) throw new ServerRunningError(held);
    const report: RotationReport = { values: 0, reencrypted: 0, alreadyCurrent: 0 };
    /** The value under the current key, or null when it already is; counts either way. */
    const reseal = <T extends SecretTable>(slot: Slot<T>, stored: string): string | null => {
      report.values += 1;
      const plain = openSecret(slot, stored);
      if (keyIdOf(stored) === current.id) {
        report.alreadyCurrent += 1;
        return null;
      }
      report.reencrypted += 1;
      return sealSecret(slot, plain);
    };
    for (const row of await tx.select().from(connections)) {
      const update: Partial<Record<(typeof columns)[number][0], string>> = {};
      for (const [property, column] of columns) {
        const stored = row[property];
        const resealed = stored ? reseal({ table: "connections", column, rowId: row.id }, stored) : null;
        if (resealed) update[property] = resealed;
      }
      if (Object.keys(update).length > 0) await tx.update(connections).set(update).where(eq(connections.id, row.id));
    }
    for (const row of await tx.select({ id: leads.id, dataEnc: leads.dataEnc }).from(leads).where(isNotNull(leads.dataEnc))) {
      const resealed = row.dataEnc ? reseal({ table: "leads", column: SECRET_COLUMNS.leads.dataEnc, rowId: row.id }, row.dataEnc) : null;
      if (resealed) await tx.update(leads).set({ dataEnc: resealed }).where(eq(leads.id, row.id));
    }
    for (const row of await tx.select({ id: alertSettings.id, secret: alertSettings.webhookSecretEnc }).from(alertSettings).where(isNotNull(alertSettings.webhookSecretEnc))) {
      const resealed = row.secret ? reseal({ table: "alert_settings", column: SECRET_COLUMNS.alert_settings.webhookSecretEnc, rowId: row.id }, row.secret) : null;
      if (resealed) await tx.update(alertSettings).set({ webhookSecretEnc: resealed }).where(eq(alertSettings.id, row.id));
    }
    return report;
  });
}

export { DecryptionError };
