// Token lifecycle (lib/amocrm/tokens.ts, refresh.ts, client.ts, jobs.ts) against the fake amoCRM, with an explicit
// clock (`now`).
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  ACCOUNT_ID,
  ADMIN_EMAIL,
  APP_URL,
  CLIENT_ID,
  CLIENT_SECRET,
  DAY_MS,
  codeOf,
  connectThroughFake,
  eventTypes,
  leaseOwner,
  readConnection,
  refreshCalls,
  setStoredExpiry,
  useFakeAmoSuite,
} from "./helpers/amo-test-env";

// The route test signs in through this mock; messages come from next-intl in the app, a stub here.
vi.mock("@/lib/auth/session", () => ({ getAdmin: vi.fn(async () => null) }));
vi.mock("@/lib/i18n/errors", () => ({ describeError: async (code: string) => `message for ${code}` }));

const amo = useFakeAmoSuite();

afterEach(() => {
  process.env.AMOCRM_API_ORIGIN = amo.fake.url;
  process.env.AMOCRM_REFRESH_MARGIN_SECONDS = "900";
});

const tokensModule = () => import("@/lib/amocrm/tokens");
const clientModule = () => import("@/lib/amocrm/client");
const jobsModule = () => import("@/lib/amocrm/jobs");
const stateModule = () => import("@/lib/amocrm/connection-state");

const accountSchema = z.object({ id: z.number(), subdomain: z.string() });

async function storedExpiry(): Promise<number> {
  const row = await readConnection();
  return row.accessTokenExpiresAt?.getTime() ?? Number.NaN;
}

describe("refresh ahead of expiry", () => {
  it("uses the stored token until the margin and refreshes inside it, not before", async () => {
    const { getAccessToken } = await tokensModule();
    await connectThroughFake(amo.fake);
    const connected = await readConnection();
    const expiresAt = await storedExpiry();

    const outside = await getAccessToken({ now: new Date(expiresAt - 901_000) });
    expect(refreshCalls(amo.fake)).toBe(0);
    expect(outside.generation).toBe(connected.generation);

    const now = new Date(expiresAt - 899_000);
    const inside = await getAccessToken({ now });
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(inside.accessToken).not.toBe(outside.accessToken);
    expect(inside.generation).toBe(connected.generation + 1);

    const row = await readConnection();
    expect(row.state).toBe("connected");
    expect(row.lastRefreshAt).toEqual(now);
    expect(row.accessTokenExpiresAt).toEqual(new Date(now.getTime() + 86_400_000));
    // A refresh keeps who connected and when, unlike a new authorization.
    expect(row.connectedAt).toEqual(connected.connectedAt);
    expect(row.connectedBy).toBe(ADMIN_EMAIL);
    expect(row.refreshIntentAt).toBeNull();
    expect(await leaseOwner("amocrm-refresh")).toBeNull();

    await getAccessToken({ now });
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(await eventTypes()).toEqual(["credentials_saved", "connected", "token_refreshed"]);
  });

  it("follows AMOCRM_REFRESH_MARGIN_SECONDS", async () => {
    process.env.AMOCRM_REFRESH_MARGIN_SECONDS = "60";
    const { getAccessToken } = await tokensModule();
    await connectThroughFake(amo.fake);
    const expiresAt = await storedExpiry();
    await getAccessToken({ now: new Date(expiresAt - 61_000) });
    expect(refreshCalls(amo.fake)).toBe(0);
    await getAccessToken({ now: new Date(expiresAt - 59_000) });
    expect(refreshCalls(amo.fake)).toBe(1);
  });

  it("answers not_connected when there are no tokens, without calling amoCRM", async () => {
    const { getAccessToken, refreshNow } = await tokensModule();
    const { amoFetch } = await clientModule();
    expect(await codeOf(getAccessToken())).toBe("not_connected");
    expect(await codeOf(amoFetch("/api/v4/account"))).toBe("not_connected");
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL }))).toBe("not_connected");
    expect(amo.fake.controls.snapshot().calls.tokenTotal).toBe(0);
  });
});

describe("backoff on failures that are not the token's fault", () => {
  it("computes 30 s, 2 min, 10 min, then hourly, and classifies codes", async () => {
    const { backoffDelayMs, classifyRefreshFailure } = await stateModule();
    expect([1, 2, 3, 4, 5, 12].map(backoffDelayMs)).toEqual([30_000, 120_000, 600_000, 3_600_000, 3_600_000, 3_600_000]);
    for (const code of ["provider_error", "provider_timeout", "network_error", "malformed_response", "rate_limited"] as const) {
      expect(classifyRefreshFailure(code)).toBe("transient");
    }
    for (const code of ["token_revoked", "token_not_linked", "token_expired", "client_auth_failed", "redirect_uri_mismatch"] as const) {
      expect(classifyRefreshFailure(code)).toBe("permanent");
    }
    for (const code of ["account_blocked", "payment_required", "account_not_found"] as const) {
      expect(classifyRefreshFailure(code)).toBe("blocked");
    }
  });

  it("backs off step by step, stays degraded, keeps serving a still-valid token, and recovers", async () => {
    const { getAccessToken, refreshNow } = await tokensModule();
    await connectThroughFake(amo.fake);
    const original = await readConnection();
    const expiresAt = await storedExpiry();
    amo.fake.controls.fault({ target: "refresh", status: 500, times: 50 });

    // Ahead of expiry a failed refresh falls back to the current token.
    let now = new Date(expiresAt - 600_000);
    const fallback = await getAccessToken({ now });
    expect(fallback.generation).toBe(original.generation);
    let row = await readConnection();
    expect(row).toMatchObject({ state: "degraded", failureCount: 1, lastErrorCode: "provider_error" });
    expect(row.nextRetryAt).toEqual(new Date(now.getTime() + 30_000));
    expect(refreshCalls(amo.fake)).toBe(1);

    // During the wait: no call to amoCRM.
    await getAccessToken({ now: new Date(now.getTime() + 29_000) });
    expect(refreshCalls(amo.fake)).toBe(1);

    for (const [index, delay] of [120_000, 600_000, 3_600_000, 3_600_000].entries()) {
      now = row.nextRetryAt ?? now;
      await codeOf(getAccessToken({ now }));
      row = await readConnection();
      expect(refreshCalls(amo.fake)).toBe(index + 2);
      expect(row.failureCount).toBe(index + 2);
      expect(row.state).toBe("degraded");
      expect((row.nextRetryAt?.getTime() ?? 0) - now.getTime()).toBe(delay);
    }

    // The token has expired by now: during the wait the last error comes back with the time left.
    const waiting = new Date((row.nextRetryAt?.getTime() ?? 0) - 5_000);
    const error = await getAccessToken({ now: waiting }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "provider_error", retryAfterSeconds: 5 });
    expect(refreshCalls(amo.fake)).toBe(5);

    // The admin's "refresh now" ignores the wait but is still recorded.
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL, now: waiting }))).toBe("provider_error");
    expect(refreshCalls(amo.fake)).toBe(6);
    expect((await readConnection()).failureCount).toBe(6);

    amo.fake.controls.clearFaults();
    const recovered = await refreshNow({ actorEmail: ADMIN_EMAIL, now: waiting });
    expect(recovered.generation).toBe(original.generation + 1);
    row = await readConnection();
    expect(row).toMatchObject({ state: "connected", failureCount: 0, nextRetryAt: null, lastErrorCode: null });
    const types = await eventTypes();
    expect(types.filter((type) => type === "token_refresh_failed")).toHaveLength(6);
    expect(types.at(-1)).toBe("token_refreshed");
  });

  it("treats a malformed answer and an unreachable provider as transient", async () => {
    await connectThroughFake(amo.fake);
    const expiresAt = await storedExpiry();
    amo.fake.controls.fault({ target: "refresh", status: 200, body: { unexpected: true } });
    const { getAccessToken } = await tokensModule();
    await getAccessToken({ now: new Date(expiresAt - 60_000) });
    expect(await readConnection()).toMatchObject({ state: "degraded", lastErrorCode: "malformed_response" });

    // Nothing listens on port 1: a network error, also transient.
    process.env.AMOCRM_API_ORIGIN = "http://127.0.0.1:1";
    vi.resetModules();
    const reloaded = await tokensModule();
    expect(await codeOf(reloaded.refreshNow({ actorEmail: ADMIN_EMAIL }))).toBe("network_error");
    expect(await readConnection()).toMatchObject({ state: "degraded", lastErrorCode: "network_error", failureCount: 2 });
  });

  it("shows an HTML 403 block and a 402 as state error, still with backoff", async () => {
    const { refreshNow } = await tokensModule();
    await connectThroughFake(amo.fake);
    const now = new Date();
    amo.fake.controls.fault({ target: "refresh", status: 403 });
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL, now }))).toBe("account_blocked");
    let row = await readConnection();
    expect(row).toMatchObject({ state: "error", lastErrorCode: "account_blocked" });
    // A block is not lifted in seconds: no automatic attempt for 15 minutes (docs/amocrm-contract.md §9.8).
    expect(row.nextRetryAt).toEqual(new Date(now.getTime() + 15 * 60_000));

    amo.fake.controls.fault({ target: "refresh", status: 402 });
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL, now }))).toBe("payment_required");
    row = await readConnection();
    expect(row).toMatchObject({ state: "error", lastErrorCode: "payment_required", failureCount: 2 });
  });
});

describe("Kommo's English answers (kommoEnglishErrors)", () => {
  const OAUTH_TYPE = "https://developers.amocrm.ru/v3/errors/OAuthProblemJson";

  it("a Kommo client-authentication failure in English is client_auth_failed, as the Russian one", async () => {
    const { refreshNow } = await tokensModule();
    amo.fake.controls.configure({ platform: "kommo.com", kommoEnglishErrors: true });
    await connectThroughFake(amo.fake, new Date(), "kommo.com");
    // League's own wording for invalid_client, with nothing in Russian and no hint.
    amo.fake.controls.fault({
      target: "refresh",
      status: 401,
      body: { title: "Client authentication failed", type: OAUTH_TYPE, status: 401, detail: "Client authentication failed" },
    });
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL }))).toBe("client_auth_failed");
    expect(await readConnection()).toMatchObject({ state: "needs_reauth", lastErrorCode: "client_auth_failed" });

  });

  it("the fake's English hintless 401 for a Redirect URI that no longer matches is client_auth_failed", async () => {
    const { refreshNow } = await tokensModule();
    amo.fake.controls.configure({ platform: "kommo.com", kommoEnglishErrors: true });
    await connectThroughFake(amo.fake, new Date(), "kommo.com");
    amo.fake.controls.configure({ clientAuthStyle: "legacy401", redirectUri: `${APP_URL}/other` });
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL }))).toBe("client_auth_failed");
    const refused = amo.fake.controls.snapshot().requests.find((request) => request.path === "/oauth2/access_token" && request.status === 401);
    expect(refused).toMatchObject({ accountHost: "acoustic.kommo.com" });
  });
});

describe("a legacy amocrm.com account", () => {
  it("connects through a callback whose referer names amocrm.com, on the account's kommo.com host", async () => {
    const { saveCredentials } = await import("@/lib/amocrm/connection");
    const { normalizeAccountAddress } = await import("@/lib/amocrm/platform");
    const { completeAuthorization } = await import("@/lib/amocrm/callback");
    const { createAdmin } = await import("@/lib/db/admins");
    const { createOauthState } = await import("@/lib/db/oauth-states");
    amo.fake.controls.configure({ platform: "kommo.com" });
    // The admin typed the address from an old bookmark.
    const typed = normalizeAccountAddress("https://acoustic.amocrm.com/leads", "kommo.com");
    expect(typed).toEqual({ ok: true, host: "acoustic.kommo.com", subdomain: "acoustic" });
    const now = new Date();
    await saveCredentials({
      platform: "kommo.com",
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      expectedAccountHost: typed.ok ? typed.host : null,
      actorEmail: ADMIN_EMAIL,
      now,
    });
    const admin = await createAdmin({ email: `legacy-${Date.now()}@example.com`, passwordHash: "x" });
    const state = await createOauthState({ adminId: admin.id, now });
    const { code } = amo.fake.controls.issueCode({ state });

    const outcome = await completeAuthorization({ query: { code, state, referer: "acoustic.amocrm.com", client_id: CLIENT_ID }, admin });
    expect(outcome).toEqual({ ok: true });
    expect(await readConnection()).toMatchObject({ state: "connected", accountHost: "acoustic.kommo.com", platform: "kommo.com" });
    const exchange = amo.fake.controls.snapshot().requests.find((request) => request.path === "/oauth2/access_token");
    expect(exchange).toMatchObject({ accountHost: "acoustic.kommo.com", status: 200 });
  });
});

describe("a 403 that names its cause", () => {
  it("an IP allow-list refusal is ip_not_allowed, holds refreshes for 15 minutes and holds the leads", async () => {
    const { getAccessToken, refreshNow } = await tokensModule();
    const { classifyFailure } = await import("@/lib/leads/outbox");
    await connectThroughFake(amo.fake);
    const expiresAt = await storedExpiry();
    amo.fake.controls.fault({
      target: "refresh",
      status: 403,
      times: 10,
      body: { response: { error: "Доступ к данному аккаунту с вашего IP запрещен", error_code: "113", ip: "203.0.113.7" } },
    });
    const now = new Date(expiresAt + 1000);
    const error = await getAccessToken({ now }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ip_not_allowed" });
    const row = await readConnection();
    expect(row).toMatchObject({ state: "error", lastErrorCode: "ip_not_allowed" });
    expect(row.nextRetryAt).toEqual(new Date(now.getTime() + 15 * 60_000));

    // Fourteen minutes on, amoCRM is still not asked; the admin's refresh-now still is, and is recorded.
    expect(await codeOf(getAccessToken({ now: new Date(now.getTime() + 14 * 60_000) }))).toBe("ip_not_allowed");
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL, now }))).toBe("ip_not_allowed");
    expect(refreshCalls(amo.fake)).toBe(2);

    // The lead worker holds its deliveries on every 403 code, as on the rate-limit block.
    expect(classifyFailure(error, { sending: true })).toEqual({ kind: "blocked", code: "ip_not_allowed" });
  });

  it("a JSON 403 that does not say why is access_forbidden, with the same hold", async () => {
    const { refreshNow } = await tokensModule();
    const { classifyFailure } = await import("@/lib/leads/outbox");
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ htmlErrorStatuses: [] });
    amo.fake.controls.fault({ target: "refresh", status: 403 });
    const now = new Date();
    const error = await refreshNow({ actorEmail: ADMIN_EMAIL, now }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "access_forbidden" });
    const row = await readConnection();
    expect(row).toMatchObject({ state: "error", lastErrorCode: "access_forbidden" });
    expect(row.nextRetryAt).toEqual(new Date(now.getTime() + 15 * 60_000));
    expect(classifyFailure(error, { sending: false })).toEqual({ kind: "blocked", code: "access_forbidden" });
  });
});

describe("a revoked refresh token", () => {
  it("turns the connection to needs_reauth and stops every automatic refresh", async () => {
    const { getAccessToken, refreshNow } = await tokensModule();
    const { amoFetch } = await clientModule();
    const { runKeepalive } = await jobsModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.revokeTokens();
    await setStoredExpiry(new Date(Date.now() - 1000));

    expect(await codeOf(getAccessToken())).toBe("token_revoked");
    const row = await readConnection();
    expect(row).toMatchObject({ state: "needs_reauth", lastErrorCode: "token_revoked", nextRetryAt: null });
    expect(JSON.parse(row.lastErrorDetail ?? "{}")).toMatchObject({ status: 401, hint: "Token has been revoked" });
    expect(refreshCalls(amo.fake)).toBe(1);

    expect(await codeOf(getAccessToken())).toBe("needs_reauth");
    expect(await codeOf(amoFetch("/api/v4/account"))).toBe("needs_reauth");
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL }))).toBe("needs_reauth");
    expect(await runKeepalive({ now: new Date(Date.now() + 30 * DAY_MS) })).toEqual({ outcome: "skipped", reason: "needs_reauth" });
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(amo.fake.controls.snapshot().calls.account).toBe(1);
  });

  it("uses the newer pair when another writer stored one while amoCRM refused ours", async () => {
    const { getAccessToken } = await tokensModule();
    const { storeConnectedTokens } = await import("@/lib/amocrm/connection");
    await connectThroughFake(amo.fake);
    await setStoredExpiry(new Date(Date.now() - 1000));
    amo.fake.controls.fault({ target: "refresh", status: 401, hint: "Token has been revoked", delayMs: 400 });

    const pending = getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await storeConnectedTokens({
      mode: "oauth",
      platform: "amocrm.ru",
      accessToken: "access-token-stored-by-another-process",
      refreshToken: "def50200refresh-token-stored-by-another-process",
      accessTokenExpiresAt: new Date(Date.now() + DAY_MS),
      redirectUri: `${APP_URL}/api/amocrm/callback`,
      accountHost: "acoustic.amocrm.ru",
      account: { id: ACCOUNT_ID, name: "Acoustic", subdomain: "acoustic" },
      apiDomain: "api-b.amocrm.ru",
      actor: "admin",
      actorEmail: ADMIN_EMAIL,
    });

    const token = await pending;
    expect(token.accessToken).toBe("access-token-stored-by-another-process");
    expect(await readConnection()).toMatchObject({ state: "connected", lastErrorCode: null });
  });
});

describe("amoFetch", () => {
  it("refreshes once and retries once after a 401 from the API", async () => {
    const { amoFetch } = await clientModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.expireAccessTokens();
    const result = await amoFetch("/api/v4/account", { schema: accountSchema });
    expect(result.data).toEqual({ id: ACCOUNT_ID, subdomain: "acoustic" });
    expect(result.status).toBe(200);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(refreshCalls(amo.fake)).toBe(1);
  });

  it("gives up when the retry is refused too, without a second refresh", async () => {
    const { amoFetch } = await clientModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.fault({ target: "account", status: 401, times: 2 });
    expect(await codeOf(amoFetch("/api/v4/account"))).toBe("token_revoked");
    expect(refreshCalls(amo.fake)).toBe(1);
    expect((await readConnection()).state).toBe("connected");
  });

  it("waits out a short 429 and retries once; a long one becomes rate_limited", async () => {
    const { amoFetch } = await clientModule();
    await connectThroughFake(amo.fake);
    const accountCalls = () => amo.fake.controls.snapshot().calls.account;
    const before = accountCalls();

    amo.fake.controls.fault({ target: "account", retryAfter: 1 });
    const startedAt = Date.now();
    const { data } = await amoFetch("/api/v4/account", { schema: accountSchema });
    expect(data.id).toBe(ACCOUNT_ID);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect(accountCalls() - before).toBe(2);

    amo.fake.controls.fault({ target: "account", retryAfter: 30 });
    const error = await amoFetch("/api/v4/account").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "rate_limited", retryAfterSeconds: 30 });
    expect(accountCalls() - before).toBe(3);
  });

  it("checks the body against the schema", async () => {
    const { amoFetch } = await clientModule();
    await connectThroughFake(amo.fake);
    expect(await codeOf(amoFetch("/api/v4/account", { schema: z.object({ id: z.string() }) }))).toBe("malformed_response");
  });
});

describe("subdomain renamed", () => {
  it("finds the new host through api_domain, records it and retries the refresh once", async () => {
    const { amoFetch } = await clientModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.renameSubdomain("acoustic2");
    await setStoredExpiry(new Date(Date.now() - 1000));

    const { data } = await amoFetch("/api/v4/account", { schema: accountSchema });
    expect(data.subdomain).toBe("acoustic2");
    const row = await readConnection();
    expect(row).toMatchObject({ accountHost: "acoustic2.amocrm.ru", accountSubdomain: "acoustic2", state: "connected" });
    expect(await eventTypes()).toContain("account_host_changed");

    const snapshot = amo.fake.controls.snapshot();
    expect(snapshot.calls.subdomainLookups).toBe(1);
    expect(snapshot.calls.tokenRefresh).toBe(2);
    const lookup = snapshot.requests.find((request) => request.path === "/oauth2/account/current/subdomain");
    expect(lookup).toMatchObject({ accountHost: "api-b.amocrm.ru", status: 200 });
  });

  it("recovers when the API call itself answers 404 on the old host, once, and records it for /status", async () => {
    const { amoFetch } = await clientModule();
    const { listEvents } = await import("@/lib/db/events");
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ renamedHostApiStatus: 404 });
    amo.fake.controls.renameSubdomain("acoustic4");
    const { data } = await amoFetch("/api/v4/account", { schema: accountSchema });
    expect(data.subdomain).toBe("acoustic4");
    expect(await readConnection()).toMatchObject({ accountHost: "acoustic4.amocrm.ru", accountSubdomain: "acoustic4", state: "connected" });
    const [moved] = (await listEvents({ limit: 100 })).filter((event) => event.type === "account_host_changed");
    expect(JSON.parse(String(moved?.details))).toEqual({ previousHost: "acoustic.amocrm.ru", accountHost: "acoustic4.amocrm.ru" });
    const snapshot = amo.fake.controls.snapshot();
    expect(snapshot.calls.subdomainLookups).toBe(1);
    // No refresh was needed: the tokens were good, only the address had moved.
    expect(snapshot.calls.tokenRefresh).toBe(0);

    // A 404 on the current host is not a rename: amoCRM is asked, names the same host, and the 404 stands.
    expect(await codeOf(amoFetch("/api/v4/no-such-thing"))).toBe("account_not_found");
    expect(amo.fake.controls.snapshot().calls.subdomainLookups).toBe(2);
    expect((await eventTypes()).filter((type) => type === "account_host_changed")).toHaveLength(1);
  });

  it("recovers when the old host answers with a redirect, on an API call and on a refresh, never following it", async () => {
    const { amoFetch } = await clientModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ renamedHostRedirect: 301 });
    amo.fake.controls.renameSubdomain("acoustic5");
    const { data } = await amoFetch("/api/v4/account", { schema: accountSchema });
    expect(data.subdomain).toBe("acoustic5");
    expect((await readConnection()).accountHost).toBe("acoustic5.amocrm.ru");

    amo.fake.controls.renameSubdomain("acoustic6");
    await setStoredExpiry(new Date(Date.now() - 1000));
    const again = await amoFetch("/api/v4/account", { schema: accountSchema });
    expect(again.data.subdomain).toBe("acoustic6");
    const row = await readConnection();
    expect(row).toMatchObject({ accountHost: "acoustic6.amocrm.ru", state: "connected" });
    const refreshes = amo.fake.controls.snapshot().requests.filter((request) => request.path === "/oauth2/access_token" && request.grantType === "refresh_token");
    expect(refreshes.map((request) => [request.accountHost, request.status])).toEqual([
      ["acoustic5.amocrm.ru", 301],
      ["acoustic6.amocrm.ru", 200],
    ]);
    expect((await eventTypes()).filter((type) => type === "account_host_changed")).toHaveLength(2);
  });

  it("reads the refresh's 'Invalid account' hint as a moved account too", async () => {
    const { refreshNow } = await tokensModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.renameSubdomain("acoustic7");
    amo.fake.controls.fault({ target: "refresh", hint: "Invalid account", times: 1 });
    await refreshNow({ actorEmail: ADMIN_EMAIL });
    expect(await readConnection()).toMatchObject({ accountHost: "acoustic7.amocrm.ru", state: "connected" });
    expect(amo.fake.controls.snapshot().calls.subdomainLookups).toBe(1);
  });

  it("also recovers when the API's 401 on the old host starts it", async () => {
    const { amoFetch } = await clientModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.renameSubdomain("acoustic3");
    const { data } = await amoFetch("/api/v4/account", { schema: accountSchema });
    expect(data.subdomain).toBe("acoustic3");
    expect((await readConnection()).accountHost).toBe("acoustic3.amocrm.ru");
  });
});

describe("an interrupted refresh (intent without a commit)", () => {
  async function interruptRefresh(): Promise<{ generation: number; intentAt: Date }> {
    const { getAccessToken, refreshTestSeam } = await tokensModule();
    await connectThroughFake(amo.fake);
    await setStoredExpiry(new Date(Date.now() - 1000));
    refreshTestSeam.afterProviderAnswer = () => {
      throw new Error("simulated crash after amoCRM answered");
    };
    try {
      await expect(getAccessToken()).rejects.toThrow("simulated crash");
    } finally {
      refreshTestSeam.afterProviderAnswer = undefined;
    }
    const row = await readConnection();
    expect(row.refreshIntentGeneration).toBe(row.generation);
    expect(row.refreshIntentAt).not.toBeNull();
    expect(refreshCalls(amo.fake)).toBe(1);
    return { generation: row.generation, intentAt: row.refreshIntentAt ?? new Date() };
  }

  it("is recovered with the stored refresh token once it is older than a minute", async () => {
    const { generation, intentAt } = await interruptRefresh();
    const { resolveDanglingRefresh } = await tokensModule();
    expect(await resolveDanglingRefresh({ now: new Date(intentAt.getTime() + 30_000) })).toEqual({ outcome: "too_recent" });
    const result = await resolveDanglingRefresh({ now: new Date(intentAt.getTime() + 61_000) });
    expect(result.outcome).toBe("recovered");
    const row = await readConnection();
    expect(row).toMatchObject({ state: "connected", generation: generation + 1, refreshIntentAt: null, refreshIntentGeneration: null });
    expect(refreshCalls(amo.fake)).toBe(2);

    const { amoFetch } = await clientModule();
    expect((await amoFetch("/api/v4/account", { schema: accountSchema })).data.id).toBe(ACCOUNT_ID);
  });

  it("ends in needs_reauth with the reason when amoCRM refuses the stored refresh token", async () => {
    const { intentAt } = await interruptRefresh();
    amo.fake.controls.revokeTokens();
    const { resolveDanglingRefresh } = await tokensModule();
    expect(await resolveDanglingRefresh({ now: new Date(intentAt.getTime() + 61_000) })).toEqual({ outcome: "failed", code: "token_revoked" });
    const row = await readConnection();
    expect(row).toMatchObject({ state: "needs_reauth", lastErrorCode: "token_revoked", refreshIntentAt: null });
    expect(JSON.parse(row.lastErrorDetail ?? "{}")).toMatchObject({ reason: "interrupted" });
    expect((await eventTypes()).at(-1)).toBe("token_refresh_failed");
  });

  it("is only cleared when the generation already moved on", async () => {
    await connectThroughFake(amo.fake);
    const { getSqlite } = await import("@/lib/db/client");
    getSqlite().prepare("UPDATE connections SET refresh_intent_generation = generation - 1, refresh_intent_at = ? WHERE id = 1").run(Date.now() - 120_000);
    const { resolveDanglingRefresh } = await tokensModule();
    expect(await resolveDanglingRefresh()).toEqual({ outcome: "stale_cleared" });
    expect((await readConnection()).refreshIntentAt).toBeNull();
    expect(refreshCalls(amo.fake)).toBe(0);
  });
});

describe("keep-alive", () => {
  it("nextKeepaliveAt: last refresh + AMOCRM_KEEPALIVE_DAYS, later during a backoff, null with nothing to keep alive", async () => {
    const { nextKeepaliveAt } = await stateModule();
    const lastRefreshAt = new Date("2026-11-01T00:00:00Z");
    const base = {
      mode: "oauth" as const,
      refreshTokenEnc: "v1.sealed",
      state: "connected" as const,
      lastRefreshAt,
      connectedAt: new Date("2026-10-01T00:00:00Z"),
      updatedAt: lastRefreshAt,
      nextRetryAt: null,
    };
    expect(nextKeepaliveAt(base, { keepaliveDays: 7 })).toEqual(new Date("2026-11-08T00:00:00Z"));
    expect(nextKeepaliveAt(base, { keepaliveDays: 0.5 })).toEqual(new Date("2026-11-01T12:00:00Z"));
    const retryAt = new Date("2026-11-08T01:00:00Z");
    expect(nextKeepaliveAt({ ...base, state: "degraded", nextRetryAt: retryAt }, { keepaliveDays: 7 })).toEqual(retryAt);
    expect(nextKeepaliveAt({ ...base, lastRefreshAt: null }, { keepaliveDays: 7 })).toEqual(new Date("2026-10-08T00:00:00Z"));
    expect(nextKeepaliveAt({ ...base, mode: "long_lived" }, { keepaliveDays: 7 })).toBeNull();
    expect(nextKeepaliveAt({ ...base, refreshTokenEnc: null }, { keepaliveDays: 7 })).toBeNull();
    expect(nextKeepaliveAt({ ...base, state: "needs_reauth" }, { keepaliveDays: 7 })).toBeNull();
    expect(nextKeepaliveAt(undefined, { keepaliveDays: 7 })).toBeNull();
  });

  it("refreshes once the last refresh is older than the keep-alive period, not before", async () => {
    const { runKeepalive } = await jobsModule();
    const connectedAt = new Date();
    await connectThroughFake(amo.fake, connectedAt);
    const dueAt = connectedAt.getTime() + 7 * DAY_MS;

    expect(await runKeepalive({ now: new Date(dueAt - 60_000) })).toEqual({ outcome: "not_due", nextAt: new Date(dueAt) });
    expect(refreshCalls(amo.fake)).toBe(0);

    const now = new Date(dueAt);
    expect((await runKeepalive({ now })).outcome).toBe("refreshed");
    expect(refreshCalls(amo.fake)).toBe(1);
    expect((await readConnection()).lastRefreshAt).toEqual(now);
    expect(await runKeepalive({ now })).toEqual({ outcome: "not_due", nextAt: new Date(dueAt + 7 * DAY_MS) });
    expect(refreshCalls(amo.fake)).toBe(1);
  });

  it("runs in one process at a time: a lease held elsewhere makes the run busy", async () => {
    const { runKeepalive } = await jobsModule();
    const { tryAcquireLease } = await import("@/lib/db/lease");
    await connectThroughFake(amo.fake);
    const held = await tryAcquireLease("amocrm-keepalive");
    expect(held).not.toBeNull();
    try {
      expect(await runKeepalive({ now: new Date(Date.now() + 8 * DAY_MS) })).toEqual({ outcome: "busy" });
      expect(refreshCalls(amo.fake)).toBe(0);
    } finally {
      await held?.release();
    }
    // Free again: the same run now refreshes.
    expect((await runKeepalive({ now: new Date(Date.now() + 8 * DAY_MS) })).outcome).toBe("refreshed");
  });

  it("startBackgroundJobs resolves a dangling intent at start and never throws", async () => {
    const jobs = await jobsModule();
    // Nothing configured: the first run finds nothing and must not throw.
    jobs.startBackgroundJobs({ intervalMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    jobs.stopBackgroundJobs();

    await connectThroughFake(amo.fake);
    const { getSqlite } = await import("@/lib/db/client");
    getSqlite().prepare("UPDATE connections SET refresh_intent_generation = generation, refresh_intent_at = ? WHERE id = 1").run(Date.now() - 120_000);
    const before = (await readConnection()).generation;
    jobs.startBackgroundJobs({ intervalMs: 60_000 });
    try {
      await vi.waitFor(async () => expect((await readConnection()).generation).toBe(before + 1), { timeout: 5000, interval: 50 });
    } finally {
      jobs.stopBackgroundJobs();
    }
    expect((await readConnection()).refreshIntentAt).toBeNull();
    expect(refreshCalls(amo.fake)).toBe(1);
  });
});

describe("single flight keyed by intent", () => {
  it("an admin's refresh-now does not join a running keep-alive flight: it waits for it, then refreshes itself", async () => {
    const { refreshForKeepalive, refreshNow } = await tokensModule();
    await connectThroughFake(amo.fake);
    const connected = await readConnection();
    amo.fake.controls.configure({ responseDelayMs: 300 });
    const keepalive = refreshForKeepalive();
    // The keep-alive holds the lease and has asked amoCRM (its intent is recorded) before the admin clicks.
    await vi.waitFor(async () => expect((await readConnection()).refreshIntentAt).not.toBeNull(), { timeout: 5000, interval: 20 });
    const [kept, refreshed] = await Promise.all([keepalive, refreshNow({ actorEmail: ADMIN_EMAIL })]);

    expect(kept.generation).toBe(connected.generation + 1);
    expect(refreshed.generation).toBe(connected.generation + 2);
    expect(refreshCalls(amo.fake)).toBe(2);
    const { listEvents } = await import("@/lib/db/events");
    const refreshes = (await listEvents({ limit: 2 })).map((event) => [event.actor, JSON.parse(event.details ?? "{}").reason]);
    expect(refreshes).toEqual([
      ["admin", "admin"],
      ["system", "keepalive"],
    ]);
  });

  it("callers with the same intent share one flight", async () => {
    const { refreshNow } = await tokensModule();
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ responseDelayMs: 200 });
    const results = await Promise.all([refreshNow({ actorEmail: ADMIN_EMAIL }), refreshNow({ actorEmail: ADMIN_EMAIL })]);
    expect(results[0].generation).toBe(results[1].generation);
    expect(refreshCalls(amo.fake)).toBe(1);
  });
});

describe("POST /api/amocrm/refresh", () => {
  const admin = { id: 1, email: ADMIN_EMAIL, passwordHash: "x", createdAt: new Date(), lastSignInAt: null };

  async function post(origin: string | null = APP_URL): Promise<{ status: number; body: Record<string, unknown> }> {
    const { POST } = await import("@/app/api/amocrm/refresh/route");
    const headers: Record<string, string> = {};
    if (origin) headers.origin = origin;
    const response = await POST(new Request(`${APP_URL}/api/amocrm/refresh`, { method: "POST", headers }));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function signIn(): Promise<void> {
    const session = await import("@/lib/auth/session");
    vi.mocked(session.getAdmin).mockResolvedValue(admin);
  }

  it("answers 401 without a session and 403 from another origin", async () => {
    await connectThroughFake(amo.fake);
    expect(await post()).toMatchObject({ status: 401, body: { ok: false, error: { code: "unauthorized" } } });
    await signIn();
    expect(await post("https://evil.example")).toMatchObject({ status: 403, body: { ok: false, error: { code: "origin_mismatch" } } });
    expect(await post(null)).toMatchObject({ status: 403 });
    expect(refreshCalls(amo.fake)).toBe(0);
  });

  it("refreshes now and answers the new expiry", async () => {
    await connectThroughFake(amo.fake);
    await signIn();
    const { status, body } = await post();
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.accessTokenExpiresAt).toBe((await readConnection()).accessTokenExpiresAt?.toISOString());
    expect(refreshCalls(amo.fake)).toBe(1);
    const { listEvents } = await import("@/lib/db/events");
    expect((await listEvents({ limit: 1 }))[0]).toMatchObject({ type: "token_refreshed", actor: "admin", actorEmail: ADMIN_EMAIL });
  });

  it("answers 409 not_connected, 409 needs_reauth and 422 for a long-lived token", async () => {
    await signIn();
    expect(await post()).toMatchObject({ status: 409, body: { error: { code: "not_connected", message: "message for not_connected" } } });

    await connectThroughFake(amo.fake);
    const { getSqlite } = await import("@/lib/db/client");
    getSqlite().exec("UPDATE connections SET state = 'needs_reauth' WHERE id = 1");
    expect(await post()).toMatchObject({ status: 409, body: { error: { code: "needs_reauth" } } });

    getSqlite().exec("UPDATE connections SET state = 'connected', mode = 'long_lived', refresh_token_enc = NULL WHERE id = 1");
    expect(await post()).toMatchObject({ status: 422, body: { error: { code: "long_lived_no_refresh" } } });
    expect(refreshCalls(amo.fake)).toBe(0);
  });

  it("answers a provider failure as JSON with its status", async () => {
    await connectThroughFake(amo.fake);
    await signIn();
    amo.fake.controls.fault({ target: "refresh", status: 503 });
    expect(await post()).toMatchObject({ status: 502, body: { ok: false, error: { code: "provider_error" } } });
  });
});
