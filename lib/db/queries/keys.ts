import "server-only";
import { eq } from "drizzle-orm";
import { decryptSecret, DecryptionError, encryptSecret, keyIdOf } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import { connections } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";

const SECRET_COLUMNS = [
  ["clientSecretEnc", "client_secret_enc"],
  ["accessTokenEnc", "access_token_enc"],
  ["refreshTokenEnc", "refresh_token_enc"],
] as const;

export interface RotationReport {
  values: number;
  reencrypted: number;
  alreadyCurrent: number;
}

/**
 * Re-encrypts every stored secret under the current ENCRYPTION_KEY, in one transaction: values under any key of
 * ENCRYPTION_KEYS_PREVIOUS are accepted; one value that no key opens aborts the whole rotation with nothing changed.
 */
export function rotateEncryptionKeys(): RotationReport {
  const keys = getEnv().encryptionKeys;
  const current = keys[0];
  return getDb().transaction((tx) => {
    const report: RotationReport = { values: 0, reencrypted: 0, alreadyCurrent: 0 };
    for (const row of tx.select().from(connections).all()) {
      const update: Partial<Record<(typeof SECRET_COLUMNS)[number][0], string>> = {};
      for (const [property, column] of SECRET_COLUMNS) {
        const stored = row[property];
        if (!stored) continue;
        report.values += 1;
        const slot = { table: "connections", column, rowId: row.id };
        const plain = decryptSecret(stored, slot, keys);
        if (keyIdOf(stored) === current.id) {
          report.alreadyCurrent += 1;
          continue;
        }
        update[property] = encryptSecret(plain, slot, current);
        report.reencrypted += 1;
      }
      if (Object.keys(update).length > 0) tx.update(connections).set(update).where(eq(connections.id, row.id)).run();
    }
    return report;
  });
}

export { DecryptionError };
