// Behaviour of the test-only fake amoCRM (tests/fake-amocrm), exercised over real HTTP.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeAmo, type FakeAmo } from "../fake-amocrm/server";
import { CLIENT_ID, SECRET, REDIRECT, fakeControl } from "./helpers/fake-control";

const OAUTH_TYPE = "https://developers.amocrm.ru/v3/errors/OAuthProblemJson";
const BAD_REQUEST_DETAIL = "В запросе отсутствует ряд параметров или параметры невалидны";

let fake: FakeAmo;

beforeAll(async () => {
  fake = await startFakeAmo({ quiet: true, clientSecret: SECRET });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  // Reset through HTTP so the control API itself is exercised on every test.
  const res = await control("/reset", { initial: true });
  expect(res.status).toBe(200);
});

// --- helpers -----------------------------------------------------------------------

const { control, controlJson } = fakeControl(() => fake);

interface TokenResponse {
  token_type: string;
  expires_in: number;
  access_token: string;
  refresh_token: string;
  server_time: number;
}

async function tokenRequest(body: Record<string, string>, host?: string): Promise<Response> {
  return fetch(`${fake.url}/oauth2/access_token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(host ? { "X-Amocrm-Account-Host": host } : {}),
    },
    body: JSON.stringify(body),
  });
}

function codeBody(code: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: CLIENT_ID,
    client_secret: SECRET,
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    ...overrides,
  };
}

function refreshBody(refreshToken: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: CLIENT_ID,
    client_secret: SECRET,
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    redirect_uri: REDIRECT,
    ...overrides,
  };
}

async function newCode(): Promise<string> {
  return (await controlJson<{ code: string }>("/issue-code", {})).code;
}

async function connect(): Promise<TokenResponse> {
  const res = await tokenRequest(codeBody(await newCode()), "acoustic.amocrm.ru");
  expect(res.status).toBe(200);
  return (await res.json()) as TokenResponse;
}

async function refresh(refreshToken: string, host = "acoustic.amocrm.ru"): Promise<Response> {
  return tokenRequest(refreshBody(refreshToken), host);
}

async function getAccount(accessToken: string | undefined, query = "", host = "acoustic.amocrm.ru"): Promise<Response> {
  return fetch(`${fake.url}/api/v4/account${query}`, {
    headers: {
      "X-Amocrm-Account-Host": host,
      ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
    },
  });
}

function oauthProblem(hint: string, status = 400): Record<string, unknown> {
  return { hint, title: "Некорректный запрос", type: OAUTH_TYPE, status, detail: BAD_REQUEST_DETAIL };
}

async function expectProblem(res: Response, status: number, body: Record<string, unknown>): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(await res.json()).toEqual(body);
}

/** Hidden fields of the consent form whose submit button has the given label. */
function formFields(html: string, label: string): { action: string; fields: URLSearchParams } {
  for (const match of html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)) {
    const [, action, inner] = match;
    if (!action || !inner || !inner.includes(`>${label}</button>`)) continue;
    const fields = new URLSearchParams();
    for (const input of inner.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields.append(input[1] ?? "", (input[2] ?? "").replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))));
    }
    return { action, fields };
  }
  throw new Error(`no form with a "${label}" button`);
}

async function pressConsentButton(query: string, label: "Allow" | "Deny"): Promise<URL> {
  const page = await fetch(`${fake.url}/oauth?${query}`);
  expect(page.status).toBe(200);
  const { action, fields } = formFields(await page.text(), label);
  const res = await fetch(new URL(action, fake.url), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: fields.toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

// --- consent page ------------------------------------------------------------------

describe("consent page", () => {
  it("shows the integration, the account and Allow/Deny buttons", async () => {
    const res = await fetch(`${fake.url}/oauth/?client_id=${CLIENT_ID}&state=s1&mode=post_message`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>Acoustic website</title>");
    expect(html).toContain("acoustic.amocrm.ru");
    expect(html).toMatch(/<button type="submit" class="allow">Allow<\/button>/);
    expect(html).toMatch(/<button type="submit" class="deny">Deny<\/button>/);
    expect(html).not.toMatch(/<(script|link|img)\b/);
  });

  it("shows an error page for an unknown or missing client_id", async () => {
    const unknown = await fetch(`${fake.url}/oauth?client_id=00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Integration not found");
    expect((await fetch(`${fake.url}/oauth`)).status).toBe(404);
  });

  it("Allow redirects to the registered URI with code, state, referer, platform, client_id in that order", async () => {
    const location = await pressConsentButton(
      `client_id=${CLIENT_ID}&state=abc%20123&redirect_uri=https%3A%2F%2Fevil.example%2F&response_type=code`,
      "Allow",
    );
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect([...location.searchParams.keys()]).toEqual(["code", "state", "referer", "platform", "client_id"]);
    const code = location.searchParams.get("code") ?? "";
    expect(code).toMatch(/^def50200[0-9a-f]+$/);
    expect(code).toHaveLength(1008);
    expect(location.searchParams.get("state")).toBe("abc 123");
    expect(location.searchParams.get("referer")).toBe("acoustic.amocrm.ru");
    expect(location.searchParams.get("platform")).toBe("1");
    expect(location.searchParams.get("client_id")).toBe(CLIENT_ID);
    const state = await controlJson<{ calls: { consentViews: number }; issued: { codes: string[] } }>("/state");
    expect(state.calls.consentViews).toBe(1);
    expect(state.issued.codes).toEqual([code]);
  });

  it("Allow without a state returns no state; Kommo uses its own referer and platform=2", async () => {
    await control("/config", { platform: "kommo.com" });
    const location = await pressConsentButton(`client_id=${CLIENT_ID}`, "Allow");
    expect([...location.searchParams.keys()]).toEqual(["code", "referer", "platform", "client_id"]);
    expect(location.searchParams.get("referer")).toBe("acoustic.kommo.com");
    expect(location.searchParams.get("platform")).toBe("2");
  });

  it("Deny redirects with error=access_denied, client_id and state", async () => {
    const location = await pressConsentButton(`client_id=${CLIENT_ID}&state=xyz`, "Deny");
    expect(location.search).toBe(`?error=access_denied&client_id=${CLIENT_ID}&state=xyz`);
  });

  it("appends with & when the registered redirect URI already has a query", async () => {
    await control("/config", { redirectUri: "https://app.example.test/cb?tenant=1" });
    const location = await pressConsentButton(`client_id=${CLIENT_ID}&state=q`, "Deny");
    expect(location.toString()).toBe(`https://app.example.test/cb?tenant=1&error=access_denied&client_id=${CLIENT_ID}&state=q`);
  });

  it("autoAllow redirects straight away", async () => {
    await control("/config", { autoAllow: true });
    const res = await fetch(`${fake.url}/oauth?client_id=${CLIENT_ID}&state=auto`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.searchParams.get("state")).toBe("auto");
    expect(location.searchParams.get("code")).toMatch(/^def50200/);
  });
});

// --- authorization code grant ------------------------------------------------------

describe("token endpoint: authorization_code", () => {
  it("exchanges a code for an RS256 JWT access token and a def50200 refresh token", async () => {
    const before = (await controlJson<{ clock: number }>("/state")).clock;
    const res = await tokenRequest(codeBody(await newCode()), "acoustic.amocrm.ru");
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponse;
    expect(Object.keys(body)).toEqual(["token_type", "expires_in", "access_token", "refresh_token", "server_time"]);
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(86400);
    expect(body.refresh_token).toMatch(/^def50200[0-9a-f]+$/);
    expect(body.refresh_token).toHaveLength(990);
    expect(Math.abs(body.server_time - before / 1000)).toBeLessThan(5);

    const header = decodeProtectedHeader(body.access_token);
    expect(header).toEqual({ typ: "JWT", alg: "RS256", jti: expect.any(String) });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      aud: CLIENT_ID,
      jti: header.jti,
      sub: "6520033",
      grant_type: "",
      account_id: 29145784,
      base_domain: "amocrm.ru",
      version: 2,
      api_domain: "api-b.amocrm.ru",
    });
    expect(claims.scopes).toEqual(expect.arrayContaining(["crm", "notifications"]));
    expect(claims.nbf).toBe(claims.iat);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(86400);

    // The signature verifies against the fake's published key.
    const { keys } = await controlJson<{ keys: JWK[] }>("/jwks");
    const key = await importJWK(keys[0] as JWK, "RS256");
    await expect(jwtVerify(body.access_token, key, { audience: CLIENT_ID })).resolves.toBeTruthy();
  });

  it("accepts a form-encoded body", async () => {
    const res = await fetch(`${fake.url}/oauth2/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(codeBody(await newCode())).toString(),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as TokenResponse).token_type).toBe("Bearer");
  });

  it("rejects a reused code with 'Authorization code has been revoked'", async () => {
    const code = await newCode();
    expect((await tokenRequest(codeBody(code))).status).toBe(200);
    await expectProblem(await tokenRequest(codeBody(code)), 400, oauthProblem("Authorization code has been revoked"));
  });

  it("rejects garbage and unknown codes with 'Cannot decrypt the authorization code'", async () => {
    await expectProblem(await tokenRequest(codeBody("nonsense")), 400, oauthProblem("Cannot decrypt the authorization code"));
  });

  it("rejects an unknown client_id and a wrong client_secret with hints", async () => {
    const code = await newCode();
    await expectProblem(
      await tokenRequest(codeBody(code, { client_id: "6a2d4741-0000-0000-0000-92277723dcea" })),
      400,
      oauthProblem("Check the `client_id` parameter"),
    );
    await expectProblem(
      await tokenRequest(codeBody(code, { client_secret: "wrong" })),
      400,
      oauthProblem("Check the `client_secret` parameter"),
    );
    // Client errors do not burn the code.
    expect((await tokenRequest(codeBody(code))).status).toBe(200);
  });

  it("uses the legacy 401 'Некорректный клиент' body when configured", async () => {
    await control("/config", { clientAuthStyle: "legacy401" });
    const legacy = {
      title: "Некорректный клиент",
      type: OAUTH_TYPE,
      status: 401,
      detail: "Авторизация клиента не прошла",
    };
    const code = await newCode();
    await expectProblem(await tokenRequest(codeBody(code, { client_secret: "wrong" })), 401, legacy);
    await expectProblem(await tokenRequest(codeBody(code, { redirect_uri: `${REDIRECT}/` })), 401, legacy);
  });

  it("requires the redirect_uri to match byte for byte", async () => {
    await expectProblem(
      await tokenRequest(codeBody(await newCode(), { redirect_uri: `${REDIRECT}/` })),
      400,
      oauthProblem("Redirect URI is not associated with client"),
    );
  });

  it("expires codes after 20 minutes on the fake clock", async () => {
    const code = await newCode();
    await controlJson("/advance-clock", { seconds: 20 * 60 + 1 });
    await expectProblem(await tokenRequest(codeBody(code)), 400, oauthProblem("Authorization code has expired"));
    const fresh = await newCode();
    await controlJson("/expire-codes", {});
    await expectProblem(await tokenRequest(codeBody(fresh)), 400, oauthProblem("Authorization code has expired"));
  });

  it("applies host rules: www, another account, unknown grant", async () => {
    const code = await newCode();
    await expectProblem(await tokenRequest(codeBody(code), "www.amocrm.ru"), 400, oauthProblem("Send request to account"));
    await expectProblem(await tokenRequest(codeBody(code), "someone-else.amocrm.ru"), 400, oauthProblem("Invalid account"));
    const odd = await tokenRequest(codeBody(code, { grant_type: "password" }));
    expect(odd.status).toBe(400);
    expect(((await odd.json()) as { hint: string }).hint).toBeTruthy();
    expect((await tokenRequest(codeBody(code), "ACOUSTIC.amocrm.ru:443")).status).toBe(200);
  });
});

// --- refresh grant -----------------------------------------------------------------

describe("token endpoint: refresh_token", () => {
  it("keeps the old refresh token valid until the new pair is used, then revokes it", async () => {
    const first = await connect();
    const second = (await (await refresh(first.refresh_token)).json()) as TokenResponse;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    // Lost response: retrying with the old RT still works while nothing new was used.
    const retry = await refresh(first.refresh_token);
    expect(retry.status).toBe(200);
    const third = (await retry.json()) as TokenResponse;

    // Using the newest access token kills the old RT and the parallel branch.
    expect((await getAccount(third.access_token)).status).toBe(200);
    await expectProblem(await refresh(first.refresh_token), 401, oauthProblem("Token has been revoked", 401));
    await expectProblem(await refresh(second.refresh_token), 401, oauthProblem("Token has been revoked", 401));
    expect((await refresh(third.refresh_token)).status).toBe(200);
  });

  it("revokes the old refresh token once the new refresh token is used", async () => {
    const first = await connect();
    const second = (await (await refresh(first.refresh_token)).json()) as TokenResponse;
    expect((await refresh(second.refresh_token)).status).toBe(200);
    await expectProblem(await refresh(first.refresh_token), 401, oauthProblem("Token has been revoked", 401));
  });

  it("invalidates the old access token right after a refresh (configurable)", async () => {
    const first = await connect();
    expect((await getAccount(first.access_token)).status).toBe(200);
    expect((await refresh(first.refresh_token)).status).toBe(200);
    expect((await getAccount(first.access_token)).status).toBe(401);

    await control("/config", { oldAccessTokenValidAfterRefresh: true });
    const other = await connect();
    expect((await refresh(other.refresh_token)).status).toBe(200);
    expect((await getAccount(other.access_token)).status).toBe(200);
  });

  it("checks client, redirect_uri, expiry and revocation", async () => {
    const pair = await connect();
    await expectProblem(
      await tokenRequest(refreshBody(pair.refresh_token, { client_secret: "nope" })),
      400,
      oauthProblem("Check the `client_secret` parameter"),
    );
    await expectProblem(
      await tokenRequest(refreshBody(pair.refresh_token, { redirect_uri: "" })),
      400,
      oauthProblem("Redirect URI is not associated with client"),
    );
    await expectProblem(
      await tokenRequest(refreshBody("def50200" + "ab".repeat(100))),
      401,
      oauthProblem("Token has been revoked", 401),
    );

    await controlJson("/advance-clock", { seconds: 90 * 86400 });
    await expectProblem(await refresh(pair.refresh_token), 401, oauthProblem("Token has expired", 401));
  });

  it("answers 'Token is not linked to client' for another integration's refresh token", async () => {
    const pair = await connect();
    const otherClient = "6a2d4741-1111-2222-3333-92277723dcea";
    await control("/config", { clientId: otherClient });
    await expectProblem(
      await tokenRequest(refreshBody(pair.refresh_token, { client_id: otherClient })),
      401,
      oauthProblem("Token is not linked to client", 401),
    );
  });

  it("revoke-tokens kills every refresh and access token", async () => {
    const pair = await connect();
    await controlJson("/revoke-tokens", {});
    await expectProblem(await refresh(pair.refresh_token), 401, oauthProblem("Token has been revoked", 401));
    expect((await getAccount(pair.access_token)).status).toBe(401);
  });
});

// --- account API -------------------------------------------------------------------

describe("GET /api/v4/account", () => {
  it("answers 401 problem+json without a valid token", async () => {
    const unauthorized = {
      title: "Unauthorized",
      type: "https://httpstatus.es/401",
      status: 401,
      detail: "Неверный логин или пароль",
    };
    await expectProblem(await getAccount(undefined), 401, unauthorized);
    await expectProblem(await getAccount("not-a-token"), 401, unauthorized);
    const pair = await connect();
    await controlJson("/expire-access-tokens", {});
    await expectProblem(await getAccount(pair.access_token), 401, unauthorized);
  });

  it("returns the account as hal+json and honours with=", async () => {
    const pair = await connect();
    const res = await getAccount(pair.access_token, "?with=amojo_id,version,datetime_settings,bogus");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/hal+json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: 29145784,
      name: "Acoustic",
      subdomain: "acoustic",
      current_user_id: 6520033,
      country: "UZ",
      currency: "UZS",
      amojo_id: expect.any(String),
      version: expect.any(Number),
      _links: { self: { href: "https://acoustic.amocrm.ru/api/v4/account" } },
      _embedded: { datetime_settings: expect.objectContaining({ timezone: expect.any(String) }) },
    });
    expect(body).not.toHaveProperty("bogus");

    const plain = (await (await getAccount(pair.access_token)).json()) as Record<string, unknown>;
    expect(plain).not.toHaveProperty("amojo_id");
    expect(plain).not.toHaveProperty("_embedded");
  });
});

// --- faults ------------------------------------------------------------------------

describe("fault injection", () => {
  it("replaces the next matching request, counts it, and leaves state untouched", async () => {
    const code = await newCode();
    await controlJson("/fault", { target: "code", status: 500, body: "upstream exploded" });
    const faulted = await tokenRequest(codeBody(code));
    expect(faulted.status).toBe(500);
    expect(await faulted.text()).toBe("upstream exploded");

    // The code was not consumed by the faulted request.
    expect((await tokenRequest(codeBody(code))).status).toBe(200);

    const state = await controlJson<{
      calls: { tokenAuthorizationCode: number; tokenTotal: number };
      requests: Array<{ path: string; status: number; grantType?: string; fault?: boolean; accountHost: string | null }>;
      faults: unknown[];
    }>("/state");
    expect(state.calls.tokenAuthorizationCode).toBe(2);
    expect(state.calls.tokenTotal).toBe(2);
    expect(state.faults).toEqual([]);
    expect(state.requests.map((r) => [r.path, r.grantType, r.status, r.fault ?? false])).toEqual([
      ["/oauth2/access_token", "authorization_code", 500, true],
      ["/oauth2/access_token", "authorization_code", 200, false],
    ]);
  });

  it("produces hint bodies, 429 with Retry-After, nginx 403 and JSON bodies", async () => {
    const pair = await connect();
    await controlJson("/fault", { target: "refresh", hint: "Custom trouble" });
    await expectProblem(await refresh(pair.refresh_token), 400, oauthProblem("Custom trouble"));

    await controlJson("/fault", { target: "account", status: 429, retryAfter: 7 });
    const limited = await getAccount(pair.access_token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await limited.json()).toMatchObject({ title: "Too Many Requests", status: 429, retry_after: 7 });

    await controlJson("/fault", { target: "any", status: 403 });
    const blocked = await getAccount(pair.access_token);
    expect(blocked.status).toBe(403);
    expect(await blocked.text()).toContain("<title>403 Forbidden</title>");

    await controlJson("/fault", { target: "token", times: 2, status: 402, body: { title: "Payment Required" } });
    expect((await refresh(pair.refresh_token)).status).toBe(402);
    expect((await refresh(pair.refresh_token)).status).toBe(402);
    expect((await refresh(pair.refresh_token)).status).toBe(200);
  });

  it("delays every server-to-server answer with responseDelayMs", async () => {
    await control("/config", { responseDelayMs: 400 });
    const code = await newCode();
    await expect(
      fetch(`${fake.url}/oauth2/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(codeBody(code)),
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    await control("/config", { responseDelayMs: 0 });
    // The abandoned request was still processed, like a lost response on the real server.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expectProblem(await tokenRequest(codeBody(code)), 400, oauthProblem("Authorization code has been revoked"));
  });

  it("simulates a timeout with delayMs", async () => {
    const pair = await connect();
    await controlJson("/fault", { target: "account", status: 504, delayMs: 5000 });
    await expect(
      fetch(`${fake.url}/api/v4/account`, {
        headers: { Authorization: `Bearer ${pair.access_token}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
  });
});

// --- subdomain rename and lookups --------------------------------------------------

describe("subdomain rename", () => {
  it("makes the old host 404 and exposes the new subdomain via X-Refresh-Token", async () => {
    const pair = await connect();
    const renamed = await controlJson<{ previous: string; subdomain: string }>("/rename-subdomain", { subdomain: "acoustic2" });
    expect(renamed).toMatchObject({ previous: "acoustic", subdomain: "acoustic2" });

    const oldHost = await refresh(pair.refresh_token, "acoustic.amocrm.ru");
    expect(oldHost.status).toBe(404);
    expect(oldHost.headers.get("content-type")).toBe("application/problem+json");
    expect(await oldHost.json()).toMatchObject({ title: "Not Found", status: 404 });
    expect((await getAccount(pair.access_token, "", "acoustic.amocrm.ru")).status).toBe(401);

    const lookup = await fetch(`${fake.url}/oauth2/account/current/subdomain`, {
      headers: { "X-Amocrm-Account-Host": "api-b.amocrm.ru", "X-Refresh-Token": pair.refresh_token },
    });
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toEqual({
      id: 29145784,
      subdomain: "acoustic2",
      domain: "acoustic2.amocrm.ru",
      top_level_domain: "ru",
    });

    const byBearer = await fetch(`${fake.url}/oauth2/account/subdomain`, {
      headers: { "X-Amocrm-Account-Host": "www.amocrm.ru", Authorization: `Bearer ${pair.access_token}` },
    });
    expect(byBearer.status).toBe(200);
    expect(((await byBearer.json()) as { subdomain: string }).subdomain).toBe("acoustic2");

    expect((await refresh(pair.refresh_token, "acoustic2.amocrm.ru")).status).toBe(200);
    expect((await controlJson<{ calls: { subdomainLookups: number } }>("/state")).calls.subdomainLookups).toBe(2);
  });

  it("answers 401 to lookups with a bad token and 404 for unknown subdomains on refresh", async () => {
    const pair = await connect();
    const lookup = await fetch(`${fake.url}/oauth2/account/current/subdomain`, {
      headers: { "X-Amocrm-Account-Host": "api-b.amocrm.ru", "X-Refresh-Token": "def50200dead" },
    });
    expect(lookup.status).toBe(401);
    expect((await refresh(pair.refresh_token, "nobody.amocrm.ru")).status).toBe(404);
  });
});

// --- disconnect hook ---------------------------------------------------------------

describe("disconnect hook", () => {
  it("sends a signed GET with the amoCRM User-Agent and revokes the install's tokens", async () => {
    const received: Array<{ url: string; userAgent: string | undefined }> = [];
    const hook = createServer((req: IncomingMessage, res) => {
      received.push({ url: req.url ?? "", userAgent: req.headers["user-agent"] });
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    try {
      const pair = await connect();
      const port = (hook.address() as AddressInfo).port;
      const result = await controlJson<{ status: number; revoked: number }>("/disconnect-hook", {
        url: `http://127.0.0.1:${port}/api/amocrm/disconnect-hook`,
      });
      expect(result.status).toBe(204);
      expect(result.revoked).toBe(1);

      expect(received).toHaveLength(1);
      const call = received[0];
      expect(call?.userAgent).toBe("amoService-oAuth-Code-Sender/1.0");
      const url = new URL(call?.url ?? "", "http://hook");
      expect(url.pathname).toBe("/api/amocrm/disconnect-hook");
      expect([...url.searchParams.keys()]).toEqual(["client_uuid", "account_id", "signature"]);
      expect(url.searchParams.get("client_uuid")).toBe(CLIENT_ID);
      expect(url.searchParams.get("account_id")).toBe("29145784");
      const expected = createHmac("sha256", SECRET).update(`${CLIENT_ID}|29145784`).digest("hex");
      expect(url.searchParams.get("signature")).toBe(expected);

      expect((await getAccount(pair.access_token)).status).toBe(401);
      await expectProblem(await refresh(pair.refresh_token), 401, oauthProblem("Token has been revoked", 401));

      const forged = await controlJson<{ status: number }>("/disconnect-hook", {
        url: `http://127.0.0.1:${port}/hook`,
        signature: "00",
      });
      expect(forged.status).toBe(204);
      expect(new URL(received[1]?.url ?? "", "http://hook").searchParams.get("signature")).toBe("00");
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });

  it("reports status 0 when the hook cannot be reached", async () => {
    const result = await fake.controls.disconnectHook({ url: "http://127.0.0.1:1/unreachable" });
    expect(result.status).toBe(0);
  });
});

// --- long-lived tokens -------------------------------------------------------------

describe("long-lived token", () => {
  it("expires at midnight UTC, has no refresh token and works until expiry or revocation", async () => {
    const { token, exp } = await controlJson<{ token: string; exp: number }>("/long-lived-token", { days: 3 });
    expect(exp % 86400).toBe(0);
    const clock = (await controlJson<{ clock: number }>("/state")).clock;
    const days = (exp * 1000 - clock) / 86_400_000;
    expect(days).toBeGreaterThan(2);
    expect(days).toBeLessThanOrEqual(3);
    const claims = decodeJwt(token);
    expect(claims.exp).toBe(exp);
    expect(claims.account_id).toBe(29145784);

    expect((await getAccount(token)).status).toBe(200);
    await controlJson("/advance-clock", { seconds: 3 * 86400 });
    expect((await getAccount(token)).status).toBe(401);

    const second = await fake.controls.longLivedToken(30);
    expect((await getAccount(second.token)).status).toBe(200);
    fake.controls.revokeTokens();
    expect((await getAccount(second.token)).status).toBe(401);
  });
});

// --- control API -------------------------------------------------------------------

describe("control API", () => {
  it("reports health, issued values and logged hosts", async () => {
    expect(await controlJson("/health")).toEqual({ ok: true });
    const pair = await connect();
    const state = await controlJson<{
      config: Record<string, unknown>;
      issued: { accessTokens: string[]; refreshTokens: string[]; clientSecret: string };
      requests: Array<{ host: string; accountHost: string | null }>;
    }>("/state");
    expect(state.config).toMatchObject({ clientId: CLIENT_ID, redirectUri: REDIRECT, subdomain: "acoustic", platform: "amocrm.ru" });
    expect(state.config).not.toHaveProperty("clientSecret");
    expect(state.issued.clientSecret).toBe(SECRET);
    expect(state.issued.accessTokens).toEqual([pair.access_token]);
    expect(state.issued.refreshTokens).toEqual([pair.refresh_token]);
    expect(state.requests[0]).toMatchObject({ host: "acoustic.amocrm.ru", accountHost: "acoustic.amocrm.ru" });
  });

  it("rejects unknown routes and invalid bodies", async () => {
    const missing = await control("/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ title: "Not Found", status: 404 });
    expect((await control("/config", { clientAuthStyle: "weird" })).status).toBe(400);
    expect((await control("/fault", { target: "token", typo: 1 })).status).toBe(400);
    const unknownAmoRoute = await fetch(`${fake.url}/api/v4/catalogs`);
    expect(unknownAmoRoute.status).toBe(404);
  });
});
