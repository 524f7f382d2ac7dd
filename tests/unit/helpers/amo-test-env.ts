// Shared set-up for the token lifecycle tests: a temp database, env pointing at the fake amoCRM, and a connection
// made through the fake's real OAuth endpoints. Lib modules are imported lazily: env must be set before they load.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, vi } from "vitest";
import { startFakeAmo, type FakeAmo } from "../../fake-amocrm/server";

export const CLIENT_ID = "2912780f-a1e4-4d5d-a069-ee01422d8bef";
export const CLIENT_SECRET = "PZp1wm7VpAUBvpTzADj4CRHjmuvRR4PwVS7EqVxxxNvpMglIWK8uy6KWSgxxvdjY";
export const APP_URL = "http://127.0.0.1:3101";
export const REDIRECT_URI = `${APP_URL}/api/amocrm/callback`;
export const ACCOUNT_HOST = "acoustic.amocrm.ru";
export const ACCOUNT_ID = 29145784;
export const ADMIN_EMAIL = "admin@example.com";
export const DAY_MS = 86_400_000;

export interface TestEnv {
  dir: string;
  databasePath: string;
  /** The variables set, for child processes. */
  vars: Record<string, string>;
}

/** Points lib/env at a fresh temp database and the fake. Call before importing any lib module. */
export function useTestEnv(fakeUrl: string, extra: Record<string, string> = {}): TestEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amocrm-tokens-"));
  const databasePath = path.join(dir, "app.db");
  const vars: Record<string, string> = {
    DATABASE_URL: `file:${databasePath}`,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_SECRET: randomBytes(32).toString("base64"),
    APP_URL,
    AMOCRM_API_ORIGIN: fakeUrl,
    AMOCRM_REFRESH_MARGIN_SECONDS: "900",
    AMOCRM_KEEPALIVE_DAYS: "7",
    ...extra,
  };
  Object.assign(process.env, vars);
  return { dir, databasePath, vars };
}

export function startFakeOptions() {
  return { quiet: true, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };
}

/**
 * The life of a token-lifecycle test file: one fake amoCRM and one temp env for the file; before each test, fresh
 * module instances (a fresh getEnv() and per-host rate limiter), the fake back to its start and empty tables.
 * Call at the top of the file; `fake` is set once the file's tests start.
 */
export function useFakeAmoSuite(): { fake: FakeAmo } {
  const suite = {} as { fake: FakeAmo };
  beforeAll(async () => {
    suite.fake = await startFakeAmo(startFakeOptions());
    useTestEnv(suite.fake.url);
  });
  afterAll(async () => {
    await suite.fake.close();
  });
  beforeEach(async () => {
    vi.resetModules();
    suite.fake.controls.reset({ initial: true });
    await resetDatabase();
  });
  return suite;
}

/** Empties the tables the token lifecycle writes, so each test starts from "nothing configured". */
export async function resetDatabase(): Promise<void> {
  const { getSqlite } = await import("@/lib/db/client");
  getSqlite().exec("DELETE FROM connections; DELETE FROM connection_events; DELETE FROM leases;");
}

/**
 * Saves the credentials and connects through the fake's code exchange, as the callback does. `platform` Kommo
 * connects `acoustic.kommo.com` (the fake must be configured with the same platform).
 */
export async function connectThroughFake(fake: FakeAmo, now = new Date(), platform: "amocrm.ru" | "kommo.com" = "amocrm.ru"): Promise<void> {
  const { saveCredentials, storeConnectedTokens } = await import("@/lib/amocrm/connection");
  const { exchangeCode, fetchAccount } = await import("@/lib/amocrm/oauth");
  const accountHost = platform === "amocrm.ru" ? ACCOUNT_HOST : "acoustic.kommo.com";
  await saveCredentials({
    platform,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    expectedAccountHost: null,
    actorEmail: ADMIN_EMAIL,
    now,
  });
  const { code } = fake.controls.issueCode();
  const tokens = await exchangeCode({
    host: accountHost,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    code,
    now: () => now,
  });
  const account = await fetchAccount({ host: accountHost, accessToken: tokens.accessToken });
  await storeConnectedTokens({
    mode: "oauth",
    platform,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    redirectUri: REDIRECT_URI,
    accountHost,
    account,
    apiDomain: tokens.claims.apiDomain ?? null,
    actor: "admin",
    actorEmail: ADMIN_EMAIL,
    now,
  });
}

/**
 * Test-only direct write: a lease's holder stopped renewing (it died) and its expiry has passed. Stands in for
 * waiting out the lease's TTL.
 */
export async function expireLease(name: string): Promise<void> {
  const { getSqlite } = await import("@/lib/db/client");
  getSqlite().prepare("UPDATE leases SET expires_at = ? WHERE name = ?").run(Date.now() - 1, name);
}

/** Test-only read: who holds a named lease, or null. */
export async function leaseOwner(name: string): Promise<string | null> {
  const { getSqlite } = await import("@/lib/db/client");
  const row = getSqlite().prepare("SELECT owner FROM leases WHERE name = ?").get(name) as { owner: string } | undefined;
  return row?.owner ?? null;
}

/** Test-only direct write: moves the stored access token's expiry (e.g. into the past). */
export async function setStoredExpiry(at: Date): Promise<void> {
  const { getSqlite } = await import("@/lib/db/client");
  getSqlite().prepare("UPDATE connections SET access_token_expires_at = ? WHERE id = 1").run(at.getTime());
}

export async function readConnection() {
  const { getConnection } = await import("@/lib/db/connection");
  const row = await getConnection();
  if (!row) throw new Error("no connection row");
  return row;
}

export async function eventTypes(): Promise<string[]> {
  const { listEvents } = await import("@/lib/db/events");
  return (await listEvents({ limit: 100 }))
    .reverse()
    .map((event) => event.type);
}

export function refreshCalls(fake: FakeAmo): number {
  return fake.controls.snapshot().calls.tokenRefresh;
}

/** The AppError code a promise rejects with, or "resolved". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error instanceof Error && "code" in error ? String(error.code) : `unexpected ${String(error)}`;
  }
}
