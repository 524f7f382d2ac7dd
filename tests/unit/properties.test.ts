import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCallbackQuery } from "@/lib/amocrm/callback";
import { credentialsSchema } from "@/lib/amocrm/credentials";
import { longLivedSchema } from "@/lib/amocrm/long-lived-input";
import { normalizeAccountAddress, parseAccountHost, validateReferer } from "@/lib/amocrm/platform";
import { mapProviderError } from "@/lib/amocrm/provider-errors";
import { decryptSecret, DecryptionError, encryptSecret } from "@/lib/crypto/secrets";
import { ALL_ERROR_CODES } from "@/lib/error-codes";
import { safeRedirectPath } from "@/lib/auth/redirect";

/** Hostile input: every generator below runs at least 1,000 cases and must never throw unhandled. */
const RUNS = { numRuns: 1000 };

// Strings that look like what an attacker or a clumsy paste sends: unicode, control characters, injection shapes.
const hostile = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.string({ unit: "binary", maxLength: 100 }),
  fc.constantFrom(
    "'; DROP TABLE connections; --",
    "<script>alert(1)</script>",
    "${7*7}{{7*7}}",
    "../../etc/passwd",
    "\u0000\u0001\u001f\u007f",
    "https://https://acoustic.amocrm.ru",
    "acoustic.amocrm.ru@evil.example",
    "x.amocrm.ru.evil.example",
    "аcoustic.amocrm.ru",
    "\u202eur.mrcoma.citsuoca",
    " ".repeat(1000),
    "a".repeat(100_000),
  ),
);

const platform = fc.constantFrom("amocrm.ru", "kommo.com");

describe("property: account address normalizer", () => {
  it("never throws, and whatever it accepts is one label under the chosen platform", () => {
    fc.assert(
      fc.property(hostile, platform, (input, chosen) => {
        const result = normalizeAccountAddress(input, chosen);
        if (!result.ok) return;
        const host = parseAccountHost(result.host);
        expect(host?.platform).toBe(chosen);
        expect(result.host).toMatch(/^[a-z0-9-]+\.(amocrm\.ru|kommo\.com|amocrm\.com)$/);
      }),
      RUNS,
    );
  });

  it("is idempotent on what it accepts", () => {
    fc.assert(
      fc.property(hostile, platform, (input, chosen) => {
        const once = normalizeAccountAddress(input, chosen);
        if (once.ok) expect(normalizeAccountAddress(once.host, chosen)).toEqual(once);
      }),
      RUNS,
    );
  });
});

describe("property: callback parser and referer validation", () => {
  const params = fc.dictionary(
    fc.constantFrom("code", "state", "referer", "client_id", "error", "platform", "from_widget", "extra"),
    hostile,
    { maxKeys: 8 },
  );
  it("never throws; a parsed query has bounded fields; a valid referer is always an account host", () => {
    fc.assert(
      fc.property(params, (entries) => {
        const query = parseCallbackQuery(new URLSearchParams(entries));
        if (query) {
          expect((query.code ?? "").length).toBeLessThanOrEqual(4096);
          expect((query.state ?? "").length).toBeLessThanOrEqual(256);
        }
        const account = validateReferer(entries.referer ?? "");
        if (account) expect(account.host).toMatch(/^[a-z0-9-]+\.(amocrm\.ru|kommo\.com|amocrm\.com)$/);
      }),
      RUNS,
    );
  });
});

describe("property: form schemas", () => {
  it("the credentials schema never throws and never accepts whitespace inside the secret", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, fc.boolean(), (rawPlatform, clientId, clientSecret, accountDomain, saved) => {
        const input = { platform: rawPlatform, clientId, clientSecret, accountDomain };
        const result = credentialsSchema({ hasSavedSecret: saved, platform: rawPlatform }).safeParse(input);
        if (result.success) {
          expect(result.data.clientId).toMatch(/^[0-9a-f-]{36}$/);
          if (result.data.clientSecret !== undefined) expect(result.data.clientSecret).not.toMatch(/\s/);
        }
      }),
      RUNS,
    );
  });

  it("the credentials schema accepts what an admin really pastes", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9]{64}$/), platform, (clientId, secret, chosen) => {
        const result = credentialsSchema({ hasSavedSecret: false, platform: chosen }).safeParse({
          platform: chosen,
          clientId: ` ${clientId.toUpperCase()} `,
          clientSecret: `${secret}\n`,
          accountDomain: "",
        });
        expect(result.success).toBe(true);
      }),
      RUNS,
    );
  });

  it("the long-lived schema never throws", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (rawPlatform, accountHost, token) => {
        longLivedSchema({ platform: rawPlatform }).safeParse({ platform: rawPlatform, accountHost, token });
      }),
      RUNS,
    );
  });

  it("sign-in redirects never leave the site", () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const path = safeRedirectPath(value);
        expect(path.startsWith("/")).toBe(true);
        expect(path.startsWith("//")).toBe(false);
        expect(path.startsWith("/\\")).toBe(false);
      }),
      RUNS,
    );
  });
});

describe("property: stored secrets", () => {
  const key = { id: "k1", key: randomBytes(32) };
  const slot = { table: "connections", column: "client_secret_enc", rowId: 1 };

  it("decrypting anything either returns the original or throws DecryptionError", () => {
    const genuine = encryptSecret("the secret", slot, key);
    const mutated = fc.tuple(fc.nat({ max: genuine.length - 1 }), fc.string({ minLength: 1, maxLength: 3 })).map(
      ([at, insert]) => genuine.slice(0, at) + insert + genuine.slice(at + 1),
    );
    fc.assert(
      fc.property(fc.oneof(hostile, mutated), (stored) => {
        try {
          expect(decryptSecret(stored, slot, [key])).toBe("the secret");
        } catch (error) {
          expect(error).toBeInstanceOf(DecryptionError);
        }
      }),
      RUNS,
    );
  });

  it("round-trips any value", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (value) => {
        expect(decryptSecret(encryptSecret(value, slot, key), slot, [key])).toBe(value);
      }),
      RUNS,
    );
  });
});

describe("property: provider error mapping", () => {
  it("maps any answer to a known code without throwing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.jsonValue(), hostile), (status, body) => {
        expect(ALL_ERROR_CODES).toContain(mapProviderError({ status, body }).code);
      }),
      RUNS,
    );
  });
});
