// The fake amoCRM's strictness switches (issue 13, item 11), each exercised over real HTTP: what the fake does with
// the switch at its default, and what it does once the switch is on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeAmo, type FakeAmo } from "../fake-amocrm/server";
import { CLIENT_ID, SECRET, REDIRECT, fakeControl } from "./helpers/fake-control";

const ACCOUNT = "acoustic.amocrm.ru";

let fake: FakeAmo;

beforeAll(async () => {
  fake = await startFakeAmo({ quiet: true, clientSecret: SECRET });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  await controlJson("/reset", { initial: true });
});

// --- helpers -----------------------------------------------------------------------

const { controlJson } = fakeControl(() => fake);

/** A request to the fake as the app sends it: the host it means in X-Amocrm-Account-Host (none when undefined). */
function amo(path: string, init: { host?: string; method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: init.method ?? "GET",
    redirect: "manual",
    headers: { ...(init.host ? { "X-Amocrm-Account-Host": init.host } : {}), ...init.headers },
    body: init.body,
    signal: init.signal,
  });
}

/** `host` null: no X-Amocrm-Account-Host at all. */
function tokenRequest(body: Record<string, string>, host: string | null = ACCOUNT): Promise<Response> {
  return amo("/oauth2/access_token", {
    host: host ?? undefined,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: SECRET, redirect_uri: REDIRECT, ...body }),
  });
}

interface Tokens {
  access_token: string;
  refresh_token: string;
}

async function connect(host = ACCOUNT): Promise<Tokens> {
  const { code } = await controlJson<{ code: string }>("/issue-code", {});
  const res = await tokenRequest({ grant_type: "authorization_code", code }, host);
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

async function refresh(refreshToken: string, host = ACCOUNT): Promise<Response> {
  return tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }, host);
}

function getAccount(accessToken: string, host: string | null = ACCOUNT): Promise<Response> {
  return amo("/api/v4/account", { host: host ?? undefined, headers: { Authorization: `Bearer ${accessToken}` } });
}

async function elapsedMs(run: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await run();
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

// --- 8. latency per endpoint -------------------------------------------------------

describe("endpointDelayMs: latency per endpoint", () => {
  it("delays the token endpoint, the account API, the lookups and the consent page each by its own target", async () => {
    const tokens = await connect();
    await controlJson("/config", { endpointDelayMs: { refresh: 300, account: 300, subdomain: 300, consent: 300 } });

    const consent = await elapsedMs(() => amo(`/oauth?client_id=${CLIENT_ID}`));
    expect(consent).toMatchObject({ status: 200 });
    expect(consent.ms).toBeGreaterThanOrEqual(290);
    const account = await elapsedMs(() => getAccount(tokens.access_token));
    expect(account).toMatchObject({ status: 200 });
    expect(account.ms).toBeGreaterThanOrEqual(290);
    const lookup = await elapsedMs(() =>
      amo("/oauth2/account/current/subdomain", { host: "api-b.amocrm.ru", headers: { "X-Refresh-Token": tokens.refresh_token } }),
    );
    expect(lookup).toMatchObject({ status: 200 });
    expect(lookup.ms).toBeGreaterThanOrEqual(290);
    const refreshed = await elapsedMs(() => refresh(tokens.refresh_token));
    expect(refreshed).toMatchObject({ status: 200 });
    expect(refreshed.ms).toBeGreaterThanOrEqual(290);
  });

  it("delays only the endpoint it names: a slow account API leaves the token endpoint answering", async () => {
    const tokens = await connect();
    await controlJson("/config", { endpointDelayMs: { account: 60_000 } });
    const slow = amo("/api/v4/account", {
      host: ACCOUNT,
      headers: { Authorization: `Bearer ${tokens.access_token}` },
      signal: AbortSignal.timeout(500),
    });
    await expect(slow).rejects.toThrow();
    // Answered at all means not delayed by a minute (vitest's own timeout would fail the test first).
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });
});

// --- 4. the 7-per-second limit on the token endpoint ------------------------------

describe("rateLimitTokenEndpoint: token requests share the 7-per-second budget", () => {
  const badCode = () => tokenRequest({ grant_type: "authorization_code", code: "def50200" + "ab".repeat(40) });

  it("is off by default: an eighth token request in a second still reaches the endpoint", async () => {
    const statuses = await Promise.all(Array.from({ length: 8 }, () => badCode().then((r) => r.status)));
    expect(statuses).toEqual(Array(8).fill(400));
  });

  it("when on, meters token requests with the API calls: the eighth start within a second is a 429", async () => {
    const tokens = await connect();
    await controlJson("/config", { rateLimitTokenEndpoint: true });
    const api = await Promise.all(Array.from({ length: 4 }, () => getAccount(tokens.access_token).then((r) => r.status)));
    const token = await Promise.all(Array.from({ length: 3 }, () => badCode().then((r) => r.status)));
    expect([...api, ...token]).toEqual([200, 200, 200, 200, 400, 400, 400]);
    const limited = await badCode();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.json()).toMatchObject({ title: "Too Many Requests", status: 429, retry_after: 1 });
  });

  it("when on, repeated 429s on the token endpoint block the account with nginx's HTML 403", async () => {
    await controlJson("/config", { rateLimitTokenEndpoint: true, rateLimitBlockAfter: 2, rateLimitBlockSeconds: 60 });
    const statuses = await Promise.all(Array.from({ length: 9 }, () => badCode().then((r) => r.status)));
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const blocked = await badCode();
    expect([blocked.status, blocked.headers.get("content-type")]).toEqual([403, "text/html"]);
    expect(await blocked.text()).toContain("403 Forbidden");
  });
});

// --- 3. HTML bodies on 401 / 403 / 502 ---------------------------------------------

describe("htmlErrorStatuses: HTML pages instead of problem+json, per status", () => {
  it("by default answers 401 and 502 as problem+json and 403 as nginx HTML", async () => {
    const unauthorized = await getAccount("not-a-token");
    expect([unauthorized.status, unauthorized.headers.get("content-type")]).toEqual([401, "application/problem+json"]);
    await controlJson("/fault", { target: "account", status: 502 });
    const badGateway = await getAccount("not-a-token");
    expect([badGateway.status, badGateway.headers.get("content-type")]).toEqual([502, "application/problem+json"]);
    await controlJson("/fault", { target: "account", status: 403 });
    const forbidden = await getAccount("not-a-token");
    expect([forbidden.status, forbidden.headers.get("content-type")]).toEqual([403, "text/html"]);
  });

  it("answers an API 401 with amoCRM's HTML login page when 401 is listed, leaving token-endpoint 401s JSON", async () => {
    await controlJson("/config", { htmlErrorStatuses: [401, 403] });
    const page = await getAccount("not-a-token");
    expect([page.status, page.headers.get("content-type")]).toEqual([401, "text/html; charset=utf-8"]);
    const html = await page.text();
    expect(html).toContain("<title>Авторизация</title>");
    expect(() => JSON.parse(html) as unknown).toThrow();
    const leads = await amo("/api/v4/leads/pipelines", { host: ACCOUNT, headers: { Authorization: "Bearer not-a-token" } });
    expect([leads.status, leads.headers.get("content-type")]).toEqual([401, "text/html; charset=utf-8"]);
    // A refresh token the fake never issued: the token endpoint's own 401, whose JSON body carries the hint.
    const revoked = await refresh("def50200" + "cd".repeat(40));
    expect([revoked.status, revoked.headers.get("content-type")]).toEqual([401, "application/problem+json"]);
    expect(await revoked.json()).toMatchObject({ hint: "Token has been revoked" });
  });

  it("answers a 502 fault with nginx's HTML page when 502 is listed", async () => {
    await controlJson("/config", { htmlErrorStatuses: [502] });
    await controlJson("/fault", { target: "refresh", status: 502 });
    const res = await refresh("def50200" + "cd".repeat(40));
    expect([res.status, res.headers.get("content-type")]).toEqual([502, "text/html"]);
    expect(await res.text()).toContain("<title>502 Bad Gateway</title>");
  });

  it("answers the rate-limit block and a 403 fault as problem+json once 403 is taken off the list", async () => {
    await controlJson("/config", { htmlErrorStatuses: [], rateLimitBlockAfter: 1 });
    const tokens = await connect();
    const burst = await Promise.all(Array.from({ length: 8 }, () => getAccount(tokens.access_token).then((r) => r.status)));
    expect(burst.filter((s) => s === 429)).toHaveLength(1);
    const blocked = await getAccount(tokens.access_token);
    expect([blocked.status, blocked.headers.get("content-type")]).toEqual([403, "application/problem+json"]);
    expect(await blocked.json()).toMatchObject({ title: "Forbidden", status: 403 });
    await controlJson("/unblock", {});
    await controlJson("/fault", { target: "account", status: 403 });
    const faulted = await getAccount(tokens.access_token);
    expect([faulted.status, faulted.headers.get("content-type")]).toEqual([403, "application/problem+json"]);
  });

  it("refuses statuses it has no page for", async () => {
    const res = await fetch(`${fake.url}/__control/config`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ htmlErrorStatuses: [418] }),
    });
    expect(res.status).toBe(400);
  });
});

// --- 6. English for Kommo, Russian for amoCRM ---------------------------------------

describe("kommoEnglishErrors: the language of error titles follows the intended host's platform", () => {
  const KOMMO = "acoustic.kommo.com";
  const wrongSecret = (host: string | null) =>
    tokenRequest({ grant_type: "refresh_token", refresh_token: "def50200" + "ab".repeat(40), client_secret: "wrong" }, host);

  it("is off by default: a Kommo account gets the Russian bodies every capture shows", async () => {
    await controlJson("/config", { platform: "kommo.com" });
    expect(await (await wrongSecret(KOMMO)).json()).toMatchObject({ title: "Некорректный запрос" });
    expect(await (await getAccount("not-a-token", KOMMO)).json()).toMatchObject({ detail: "Неверный логин или пароль" });
  });

  it("when on, answers a Kommo host in English and keeps the hint", async () => {
    await controlJson("/config", { platform: "kommo.com", kommoEnglishErrors: true });
    const hinted = await wrongSecret(KOMMO);
    expect(hinted.status).toBe(400);
    expect(await hinted.json()).toEqual({
      hint: "Check the `client_secret` parameter",
      title: "Invalid request",
      type: "https://developers.amocrm.ru/v3/errors/OAuthProblemJson",
      status: 400,
      detail:
        "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
    });
    await controlJson("/config", { clientAuthStyle: "legacy401" });
    expect(await (await wrongSecret(KOMMO)).json()).toMatchObject({ title: "Invalid client", detail: "Client authentication failed" });
    expect(await (await getAccount("not-a-token", KOMMO)).json()).toEqual({
      title: "Unauthorized",
      type: "https://httpstatus.es/401",
      status: 401,
      detail: "Invalid user name or password",
    });
    // No header: the configured platform decides.
    expect(await (await getAccount("not-a-token", null)).json()).toMatchObject({ detail: "Invalid user name or password" });
  });

  it("when on, still answers an amoCRM host in Russian", async () => {
    await controlJson("/config", { kommoEnglishErrors: true, clientAuthStyle: "legacy401" });
    expect(await (await wrongSecret(ACCOUNT)).json()).toMatchObject({ title: "Некорректный клиент", detail: "Авторизация клиента не прошла" });
    expect(await (await getAccount("not-a-token")).json()).toMatchObject({ detail: "Неверный логин или пароль" });
    expect(await (await getAccount("not-a-token", null)).json()).toMatchObject({ detail: "Неверный логин или пароль" });
  });
});

// --- 7. a 401 right after a successful refresh -------------------------------------

describe("unauthorizedAfterRefresh: the first N API calls with a freshly refreshed token answer 401", () => {
  async function refreshed(): Promise<{ first: Tokens; next: Tokens }> {
    const first = await connect();
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    return { first, next: (await res.json()) as Tokens };
  }

  it("is 0 by default: the new access token works at once", async () => {
    const { next } = await refreshed();
    expect((await getAccount(next.access_token)).status).toBe(200);
  });

  it("refuses the next N calls with the new token with the API's 401, then lets them through", async () => {
    await controlJson("/config", { unauthorizedAfterRefresh: 2 });
    const first = await connect();
    // A token from the code exchange is not a refreshed one.
    expect((await getAccount(first.access_token)).status).toBe(200);
    const next = (await (await refresh(first.refresh_token)).json()) as Tokens;

    const refused = await getAccount(next.access_token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ title: "Unauthorized", detail: "Неверный логин или пароль" });
    const leads = await amo("/api/v4/leads/pipelines", { host: ACCOUNT, headers: { Authorization: `Bearer ${next.access_token}` } });
    expect(leads.status).toBe(401);
    expect((await getAccount(next.access_token)).status).toBe(200);
    expect((await getAccount(next.access_token)).status).toBe(200);
    const state = await controlJson<{ calls: { unauthorizedAfterRefresh: number } }>("/state");
    expect(state.calls.unauthorizedAfterRefresh).toBe(2);
  });

  it("does not count a refused call as a use: the superseded refresh token still works", async () => {
    await controlJson("/config", { unauthorizedAfterRefresh: 1 });
    const { first, next } = await refreshed();
    expect((await getAccount(next.access_token)).status).toBe(401);
    expect((await refresh(first.refresh_token)).status).toBe(200);
  });
});

// --- 1. distinct www, account and api hosts ----------------------------------------

describe("strictHosts: each endpoint only on its kind of host", () => {
  const lookupByRefresh = (refreshToken: string, host: string) =>
    amo("/oauth2/account/current/subdomain", { host, headers: { "X-Refresh-Token": refreshToken } });
  const lookupByAccess = (accessToken: string, host: string) =>
    amo("/oauth2/account/subdomain", { host, headers: { Authorization: `Bearer ${accessToken}` } });

  it("is off by default: the api_domain serves /api/v4 and both lookups answer on www, api and account hosts", async () => {
    const tokens = await connect();
    expect((await getAccount(tokens.access_token, "api-b.amocrm.ru")).status).toBe(200);
    for (const host of ["www.amocrm.ru", "api-b.amocrm.ru", ACCOUNT]) {
      expect((await lookupByRefresh(tokens.refresh_token, host)).status).toBe(200);
      expect((await lookupByAccess(tokens.access_token, host)).status).toBe(200);
    }
    expect((await amo(`/oauth?client_id=${CLIENT_ID}`, { host: ACCOUNT })).status).toBe(200);
  });

  it("when on, answers 404 problem+json for /api/v4 off the account host, lookups off www / api_domain, consent off www", async () => {
    const tokens = await connect();
    await controlJson("/config", { strictHosts: true });

    const onApiDomain = await getAccount(tokens.access_token, "api-b.amocrm.ru");
    expect([onApiDomain.status, onApiDomain.headers.get("content-type")]).toEqual([404, "application/problem+json"]);
    expect(await onApiDomain.json()).toMatchObject({ detail: "Cannot GET https://api-b.amocrm.ru/api/v4/account" });
    expect((await getAccount(tokens.access_token, "www.amocrm.ru")).status).toBe(404);
    expect((await getAccount(tokens.access_token, ACCOUNT)).status).toBe(200);

    expect((await lookupByRefresh(tokens.refresh_token, "api-b.amocrm.ru")).status).toBe(200);
    expect((await lookupByRefresh(tokens.refresh_token, "www.amocrm.ru")).status).toBe(404);
    expect((await lookupByRefresh(tokens.refresh_token, ACCOUNT)).status).toBe(404);
    expect((await lookupByAccess(tokens.access_token, "www.amocrm.ru")).status).toBe(200);
    expect((await lookupByAccess(tokens.access_token, "api-b.amocrm.ru")).status).toBe(404);
    expect((await lookupByAccess(tokens.access_token, ACCOUNT)).status).toBe(404);

    expect((await amo(`/oauth?client_id=${CLIENT_ID}`, { host: "www.amocrm.ru" })).status).toBe(200);
    const consentOnAccount = await amo(`/oauth?client_id=${CLIENT_ID}`, { host: ACCOUNT });
    expect([consentOnAccount.status, consentOnAccount.headers.get("content-type")]).toEqual([404, "application/problem+json"]);
  });

  it("when on, keeps the token endpoint's own host answers and lets requests without the header through", async () => {
    const tokens = await connect();
    await controlJson("/config", { strictHosts: true });
    const onWww = await refresh(tokens.refresh_token, "www.amocrm.ru");
    expect([onWww.status, ((await onWww.json()) as { hint: string }).hint]).toEqual([400, "Send request to account"]);
    expect((await refresh(tokens.refresh_token, "api-b.amocrm.ru")).status).toBe(404);
    // A browser on the consent page names no host; nor does a client that does not use AMOCRM_API_ORIGIN.
    expect((await amo(`/oauth?client_id=${CLIENT_ID}`)).status).toBe(200);
    expect((await getAccount(tokens.access_token, null)).status).toBe(200);
  });
});

// --- 2. an unknown client_id on the consent page ----------------------------------

describe("unknownClientConsent: what the consent page does with a client_id it does not know", () => {
  const other = "00000000-0000-4000-8000-000000000000";

  it("shows a visible 404 page by default", async () => {
    const res = await amo(`/oauth?client_id=${other}&state=s1&mode=post_message`);
    expect([res.status, res.headers.get("content-type")]).toEqual([404, "text/html; charset=utf-8"]);
    expect(await res.text()).toContain("Integration not found");
  });

  it("with homeRedirect, sends the browser to the platform's home page and never to the Redirect URI", async () => {
    await controlJson("/config", { unknownClientConsent: "homeRedirect" });
    const res = await amo(`/oauth?client_id=${other}&state=s1&mode=post_message`);
    expect([res.status, res.headers.get("location")]).toEqual([302, "https://www.amocrm.ru/"]);
    const missing = await amo("/oauth?state=s1");
    expect([missing.status, missing.headers.get("location")]).toEqual([302, "https://www.amocrm.ru/"]);
    const onKommo = await amo(`/oauth?client_id=${other}`, { host: "www.kommo.com" });
    expect(onKommo.headers.get("location")).toBe("https://www.kommo.com/");
    const decision = await amo("/oauth/decision", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: other, decision: "allow" }).toString(),
    });
    expect([decision.status, decision.headers.get("location")]).toEqual([302, "https://www.amocrm.ru/"]);
    // The known integration is unaffected.
    expect((await amo(`/oauth?client_id=${CLIENT_ID}`)).status).toBe(200);
  });
});

// --- 5. a renamed account that redirects --------------------------------------------

describe("renamedHostRedirect: the old subdomain redirects to the new one", () => {
  it("is off by default: the old host answers 404 to a refresh and 401 to the API", async () => {
    const tokens = await connect();
    await controlJson("/rename-subdomain", { subdomain: "acoustic2" });
    expect((await refresh(tokens.refresh_token)).status).toBe(404);
    expect((await getAccount(tokens.access_token)).status).toBe(401);
  });

  it("when 301 or 302, redirects every request on the old host to the same path on the new one", async () => {
    const tokens = await connect();
    await controlJson("/rename-subdomain", { subdomain: "acoustic2" });
    await controlJson("/config", { renamedHostRedirect: 301 });
    const moved = await refresh(tokens.refresh_token);
    expect([moved.status, moved.headers.get("location")]).toEqual([301, "https://acoustic2.amocrm.ru/oauth2/access_token"]);

    await controlJson("/config", { renamedHostRedirect: 302 });
    const api = await amo("/api/v4/account?with=amojo_id", { host: ACCOUNT, headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect([api.status, api.headers.get("location")]).toEqual([302, "https://acoustic2.amocrm.ru/api/v4/account?with=amojo_id"]);

    // The lookup names the new host, and the new host answers for real; the redirect changed no token.
    const lookup = await amo("/oauth2/account/current/subdomain", {
      host: "api-b.amocrm.ru",
      headers: { "X-Refresh-Token": tokens.refresh_token },
    });
    expect(await lookup.json()).toMatchObject({ subdomain: "acoustic2", domain: "acoustic2.amocrm.ru" });
    expect((await refresh(tokens.refresh_token, "acoustic2.amocrm.ru")).status).toBe(200);
  });
});
