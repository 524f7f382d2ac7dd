import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const keyC = randomBytes(32).toString("base64");
const { databasePath } = setupTempEnv({ ENCRYPTION_KEY: keyA });

/** The app's modules as a fresh process would load them with this key configuration. */
async function withKeys(current: string, previous = "") {
  vi.resetModules();
  process.env.ENCRYPTION_KEY = current;
  process.env.ENCRYPTION_KEYS_PREVIOUS = previous;
  return {
    connection: { ...(await import("@/lib/amocrm/connection")), ...(await import("@/lib/db/connection")) },
    keys: await import("@/lib/db/secret-columns"),
    status: await import("@/lib/amocrm/status"),
    sqlite: (await import("@/lib/db/client")).getSqlite(),
  };
}

const secret = "S".repeat(64);
const rawSecrets = (sqlite: { prepare(sql: string): { get(): unknown } }) =>
  sqlite.prepare("select client_secret_enc, access_token_enc, refresh_token_enc from connections").get();

describe("key rotation", () => {
  it("re-encrypts every stored secret under the new key, in one go, and keeps them readable", async () => {
    const first = await withKeys(keyA);
    await first.connection.saveCredentials({ platform: "amocrm.ru", clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef", clientSecret: secret, expectedAccountHost: null, actorEmail: "a@example.com" });
    await first.connection.storeConnectedTokens({
      mode: "oauth",
      platform: "amocrm.ru",
      accessToken: "access-token-value",
      refreshToken: "refresh-token-value",
      accessTokenExpiresAt: new Date(Date.now() + 86_400_000),
      redirectUri: "http://127.0.0.1:3999/api/amocrm/callback",
      accountHost: "acoustic.amocrm.ru",
      account: { id: 1, name: "Acoustic", subdomain: "acoustic" },
      apiDomain: null,
      actor: "admin",
      actorEmail: "a@example.com",
    });

    // A website lead's personal data is a secret of its own row, and rotates with the rest.
    const { acceptLead } = await import("@/lib/db/leads");
    const lead = { name: "Ali Valiyev", phone: "+998901234567", email: null, message: "Salom", source: "form", pageUrl: null, utm: { source: null, medium: null, campaign: null, content: null, term: null } };
    const leadId = "3f2a9c1e-0000-4000-8000-000000000001";
    await acceptLead({ id: leadId, apiKeyId: "key", lead, idempotency: null, answer: () => ({ status: 202, body: "{}" }), now: new Date() });

    const rotated = await withKeys(keyB, keyA);
    expect(await rotated.keys.rotateEncryptionKeys()).toEqual({ values: 4, reencrypted: 4, alreadyCurrent: 0 });
    expect(await rotated.keys.rotateEncryptionKeys()).toEqual({ values: 4, reencrypted: 0, alreadyCurrent: 4 });

    const onlyNew = await withKeys(keyB);
    const row = (await onlyNew.connection.getConnection())!;
    expect(onlyNew.connection.readSecrets(row)).toEqual({ clientSecret: secret, accessToken: "access-token-value", refreshToken: "refresh-token-value" });
    const leads = await import("@/lib/db/leads");
    expect(leads.openLeadData((await leads.findLead(leadId))!)).toMatchObject({ name: "Ali Valiyev", phone: "+998901234567", message: "Salom" });
    expect((await onlyNew.status.getConnectionStatus()).state).toBe("connected");
  });

  it("with no key that opens the secrets: refuses to rotate, changes nothing, and the status says so plainly", async () => {
    const wrong = await withKeys(keyC);
    const before = rawSecrets(wrong.sqlite);
    await expect(wrong.keys.rotateEncryptionKeys()).rejects.toThrow(wrong.keys.DecryptionError);
    expect(rawSecrets(wrong.sqlite)).toEqual(before);
    const status = await wrong.status.getConnectionStatus();
    expect(status.state).toBe("error");
    expect(status.lastError?.code).toBe("encryption_key_mismatch");
    expect(rawSecrets(wrong.sqlite)).toEqual(before);
  });

  it("/api/health tells an anonymous caller nothing about the keys: the mismatch is for the admin's /status (issue 14 item 6)", async () => {
    const first = await withKeys(keyA);
    await first.connection.saveCredentials({ platform: "amocrm.ru", clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef", clientSecret: secret, expectedAccountHost: null, actorEmail: "a@example.com" });
    const wrong = await withKeys(keyC);
    expect((await wrong.status.getConnectionStatus()).lastError?.code).toBe("encryption_key_mismatch");
    const { GET } = await import("@/app/api/health/route");
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe("rotating safely (issue 14 item 11)", () => {
  async function saveSecrets() {
    const first = await withKeys(keyA);
    first.sqlite.exec("DELETE FROM connections; DELETE FROM leases; DELETE FROM leads;");
    await first.connection.saveCredentials({ platform: "amocrm.ru", clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef", clientSecret: secret, expectedAccountHost: null, actorEmail: "a@example.com" });
  }

  it("refuses while a server holds a lease on the database, and changes nothing", async () => {
    await saveSecrets();
    const rotated = await withKeys(keyB, keyA);
    const { tryAcquireLease } = await import("@/lib/db/lease");
    const lease = await tryAcquireLease("lead-worker");
    const before = rawSecrets(rotated.sqlite);
    await expect(rotated.keys.rotateEncryptionKeys()).rejects.toThrow(rotated.keys.ServerRunningError);
    expect(rawSecrets(rotated.sqlite)).toEqual(before);
    await lease?.release();
    expect(await rotated.keys.rotateEncryptionKeys()).toMatchObject({ reencrypted: 1 });
  });

  it("--check says whether an older key is still in use, and exits 1 until nothing is left under it", async () => {
    await saveSecrets();
    const script = (current: string, previous: string, args: string[]) =>
      spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/keys-rotate.ts", ...args], {
        env: { PATH: process.env.PATH, NODE_ENV: "test", DATABASE_URL: `file:${databasePath}`, ENCRYPTION_KEY: current, ENCRYPTION_KEYS_PREVIOUS: previous, AUTH_SECRET: "s".repeat(44) },
        encoding: "utf8",
        timeout: 30_000,
      });

    const pending = script(keyB, keyA, ["--check"]);
    expect(pending.status, pending.stderr).toBe(1);
    expect(pending.stderr).toContain("1 of 1 stored secrets are still under an older key: keep ENCRYPTION_KEYS_PREVIOUS");

    const rotation = script(keyB, keyA, []);
    expect(rotation.status, rotation.stderr).toBe(0);
    expect(rotation.stdout).toContain("Keep the old key in ENCRYPTION_KEYS_PREVIOUS for now");

    const done = script(keyB, keyA, ["--check"]);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain("Nothing left to re-encrypt");
  });
});
