import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { EncryptionKey } from "@/lib/env";

/**
 * The one place secrets are encrypted at rest: AES-256-GCM, a fresh 12-byte IV per value, the 16-byte tag checked,
 * and associated data naming table, column and row so a ciphertext copied elsewhere fails to decrypt.
 * Stored form: `v1.<keyId>.<iv>.<tag>.<ciphertext>`, all base64url.
 */

export interface SecretSlot {
  table: string;
  column: string;
  rowId: number | string;
}

export class DecryptionError extends Error {
  constructor(readonly reason: "malformed" | "no_matching_key") {
    super(reason === "malformed" ? "Stored secret is not in a known format" : "No configured key decrypts the stored secret");
    this.name = "DecryptionError";
  }
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

function associatedData(slot: SecretSlot): Buffer {
  return Buffer.from(`${slot.table}:${slot.column}:${slot.rowId}`, "utf8");
}

export function encryptSecret(plaintext: string, slot: SecretSlot, key: EncryptionKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(slot));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, key.id, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/**
 * Decrypts with the key named in the value when configured, else with every configured key in turn
 * (the current key first). Throws DecryptionError, never returns garbage.
 */
export function decryptSecret(stored: string, slot: SecretSlot, keys: readonly EncryptionKey[]): string {
  const parts = stored.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION || !parts.every((part) => B64URL.test(part))) {
    throw new DecryptionError("malformed");
  }
  const [, keyId, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("malformed");
  const ciphertext = Buffer.from(ciphertextText, "base64url");

  const ordered = [...keys.filter((key) => key.id === keyId), ...keys.filter((key) => key.id !== keyId)];
  for (const key of ordered) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(slot));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    } catch {
      // Wrong key or tampered value: try the next key, then give up with a typed error.
    }
  }
  throw new DecryptionError("no_matching_key");
}

/** The key id a stored value was written under, for key rotation reports. */
export function keyIdOf(stored: string): string | null {
  const parts = stored.split(".");
  return parts.length === 5 && parts[0] === VERSION ? (parts[1] ?? null) : null;
}
