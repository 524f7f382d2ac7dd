import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, DecryptionError, encryptSecret, keyIdOf } from "@/lib/crypto/secrets";

const makeKey = (id: string) => ({ id, key: randomBytes(32) });
const current = makeKey("current1");
const previous = makeKey("previous");
const slot = { table: "connections", column: "client_secret_enc", rowId: 1 };
const secret = "PZp1wm7VpAUBvpTzADj4CRHjmuvRR4PwVS7EqVxxxNvpMglIWK8uy6KWSgxxvdjY";

function decryptError(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return (error as DecryptionError).reason;
  }
}

describe("encryptSecret / decryptSecret", () => {
  it("round-trips, with a fresh IV every time and the key id in the stored form", () => {
    const a = encryptSecret(secret, slot, current);
    const b = encryptSecret(secret, slot, current);
    expect(a).not.toBe(b);
    expect(a.startsWith("v1.current1.")).toBe(true);
    expect(a).not.toContain(secret);
    expect(keyIdOf(a)).toBe("current1");
    expect(decryptSecret(a, slot, [current])).toBe(secret);
  });

  it("round-trips empty and unicode values", () => {
    for (const value of ["", "ключ ✓ kalit", "x".repeat(5000)]) {
      expect(decryptSecret(encryptSecret(value, slot, current), slot, [current])).toBe(value);
    }
  });

  it("decrypts values written under a previous key, whatever the order of keys", () => {
    const old = encryptSecret(secret, slot, previous);
    expect(decryptSecret(old, slot, [current, previous])).toBe(secret);
    expect(decryptSecret(old, slot, [previous, current])).toBe(secret);
  });

  it("finds the key even when the stored key id is unknown (renamed keys)", () => {
    const stored = encryptSecret(secret, slot, current).replace("current1", "renamed0");
    expect(decryptSecret(stored, slot, [previous, current])).toBe(secret);
  });

  it("refuses a value under a key that is not configured", () => {
    const stored = encryptSecret(secret, slot, makeKey("gone0000"));
    expect(decryptError(() => decryptSecret(stored, slot, [current, previous]))).toBe("no_matching_key");
  });

  it("refuses a value moved to another row, column or table", () => {
    const stored = encryptSecret(secret, slot, current);
    for (const other of [
      { ...slot, rowId: 2 },
      { ...slot, column: "refresh_token_enc" },
      { ...slot, table: "admins" },
    ]) {
      expect(decryptError(() => decryptSecret(stored, other, [current]))).toBe("no_matching_key");
    }
  });

  it("refuses every tampered part", () => {
    const stored = encryptSecret(secret, slot, current);
    const [version, keyId, iv, tag, ciphertext] = stored.split(".") as [string, string, string, string, string];
    const flip = (text: string) => {
      const bytes = Buffer.from(text, "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString("base64url");
    };
    const cases: Array<[string, string]> = [
      [[version, keyId, flip(iv), tag, ciphertext].join("."), "no_matching_key"],
      [[version, keyId, iv, flip(tag), ciphertext].join("."), "no_matching_key"],
      [[version, keyId, iv, tag, flip(ciphertext)].join("."), "no_matching_key"],
      [[version, keyId, iv, tag, `${ciphertext}AA`].join("."), "no_matching_key"],
      [[version, keyId, iv, tag.slice(0, 10), ciphertext].join("."), "malformed"],
      [[version, keyId, iv.slice(0, 8), tag, ciphertext].join("."), "malformed"],
      [["v2", keyId, iv, tag, ciphertext].join("."), "malformed"],
      [[version, keyId, iv, tag].join("."), "malformed"],
      [`${stored}.extra`, "malformed"],
      [stored.replace(".", ".!"), "malformed"],
      ["", "malformed"],
      [secret, "malformed"],
    ];
    for (const [value, reason] of cases) expect(decryptError(() => decryptSecret(value, slot, [current]))).toBe(reason);
  });
});
