import { e2e, expect, fake, test, useEnglish, useLocale } from "../fixtures";
import type { Page } from "@playwright/test";

// One connection, one story: these tests build on each other in order.
test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  await fake.call(request, "reset", { initial: true });
});

test.beforeEach(async ({ page, loginPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
});

/** A fresh state from the real Authorize route, without following the redirect to the consent page. */
async function startAuthorization(page: Page): Promise<string> {
  const response = await page.request.get("/api/amocrm/authorize", { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  const location = new URL(response.headers().location!);
  expect(location.origin + location.pathname).toBe(`${e2e.fakeUrl}/oauth`);
  expect(location.searchParams.get("client_id")).toBe(e2e.clientId);
  expect(location.searchParams.get("mode")).toBe("post_message");
  return location.searchParams.get("state")!;
}

async function expectState(page: Page, state: string) {
  const response = await page.request.get("/api/amocrm/status");
  expect(response.status()).toBe(200);
  expect((await response.json()).state).toBe(state);
}

test("warns that amoCRM cannot come back to a loopback APP_URL, in the admin's language", async ({ page, connectPage }) => {
  // The suite runs the production build on http://127.0.0.1: a local trial, which the page must call out.
  await connectPage.goto();
  await expect(connectPage.appUrlWarning).toBeVisible();
  await expect(connectPage.appUrlWarning).toContainText(e2e.appUrl);
  await expect(connectPage.appUrlWarning).toContainText("only reachable from this computer");
  await useLocale(page, "ru");
  await page.reload();
  await expect(connectPage.appUrlWarning).toContainText("доступен только с этого компьютера");
  await useLocale(page, "uz");
  await page.reload();
  await expect(connectPage.appUrlWarning).toContainText("faqat shu kompyuterdan");
  await useEnglish(page);
});

test("the form explains bad input next to each field and keeps what was typed", async ({ page, connectPage }) => {
  await connectPage.goto();
  await expect(connectPage.redirectUri).toHaveText(`${e2e.appUrl}/api/amocrm/callback`);
  await connectPage.clientId.fill("not-a-uuid");
  await connectPage.clientSecret.fill("has a space");
  await connectPage.accountDomain.fill("acoustic.kommo.com");
  await connectPage.saveButton.click();
  await expect(page.getByText(/The Client ID is a UUID/)).toBeVisible();
  await expect(page.getByText(/cannot contain spaces/)).toBeVisible();
  await expect(page.getByText(/belongs to the other platform/)).toBeVisible();
  // Each message is tied to its own field, not merely somewhere on the page.
  await expect(connectPage.clientId).toHaveAccessibleErrorMessage(/The Client ID is a UUID/);
  await expect(connectPage.clientSecret).toHaveAccessibleErrorMessage(/cannot contain spaces/);
  await expect(connectPage.accountDomain).toHaveAccessibleErrorMessage(/belongs to the other platform/);
  await expect(connectPage.clientId).toHaveValue("not-a-uuid");
  await expect(connectPage.clientId).toHaveAttribute("aria-invalid", "true");
  await expectState(page, "not_configured");
});

test("a wrong secret is refused by amoCRM and explained", async ({ page, request, connectPage, consentPage, statusPage }) => {
  await connectPage.saveCredentials({ clientSecret: "W".repeat(64) });
  await expectState(page, "configured");
  const before = (await fake.state(request)).calls.tokenAuthorizationCode;
  await consentPage.authorize("Allow");
  await expect(page).toHaveURL(/error=invalid_client_secret/);
  await expect(await statusPage.error.expectCode("invalid_client_secret")).toContainText("refused the Client Secret");
  expect((await fake.state(request)).calls.tokenAuthorizationCode).toBe(before + 1);
  await expectState(page, "configured");
});

test("happy path: save, authorize, allow, connected with the account's name", async ({ page, connectPage, consentPage, statusPage }) => {
  await connectPage.saveCredentials({ accountDomain: "https://acoustic.amocrm.ru/leads/pipeline/1" });
  await connectPage.goto();
  await expect(page.getByText(/A secret was saved on/)).toBeVisible();
  await expect(connectPage.clientSecret).toHaveValue("");
  await expect(connectPage.accountDomain).toHaveValue("acoustic.amocrm.ru");

  await consentPage.authorize("Allow");
  await expect(page).toHaveURL(/\/status\?connected=1/);
  await expect(statusPage.connectionState).toHaveText("Connected");
  await expect(statusPage.accountName).toHaveText("Acoustic");

  const status = await (await page.request.get("/api/amocrm/status")).json();
  expect(status).toMatchObject({
    state: "connected",
    platform: "amocrm.ru",
    clientId: e2e.clientId,
    redirectUri: `${e2e.appUrl}/api/amocrm/callback`,
    account: { id: 29145784, name: "Acoustic", subdomain: "acoustic", domain: "acoustic.amocrm.ru" },
    hasClientSecret: true,
    testProvider: e2e.fakeUrl,
    lastError: null,
  });
  const expiresIn = Date.parse(status.accessTokenExpiresAt) - Date.now();
  expect(expiresIn).toBeGreaterThan(86_000_000);
  expect(expiresIn).toBeLessThanOrEqual(86_400_000);
  await expect(statusPage.testProviderBanner).toBeVisible();
});

test("Deny in amoCRM is explained and the connection stays", async ({ page, consentPage, statusPage }) => {
  await consentPage.authorize("Deny");
  await expect(page).toHaveURL(/error=access_denied/);
  await expect(await statusPage.error.expectCode("access_denied")).toContainText("Deny was pressed");
  await expectState(page, "connected");
});

test("an expired code is explained and the connection stays", async ({ page, request, consentPage, statusPage }) => {
  await fake.call(request, "fault", { target: "code", hint: "Authorization code has expired", status: 400 });
  await consentPage.authorize("Allow");
  await expect(await statusPage.error.expectCode("code_expired")).toContainText("expired");
  await expectState(page, "connected");
});

test("a Redirect URI mismatch shows the exact URI amoCRM must have", async ({ page, request, consentPage, statusPage }) => {
  // amoCRM's token endpoint refuses a redirect_uri that differs from the registered one by a single byte.
  await fake.call(request, "fault", { target: "code", hint: "Redirect URI is not associated with client", status: 400 });
  await consentPage.authorize("Allow");
  const alert = await statusPage.error.expectCode("redirect_uri_mismatch");
  await expect(alert).toContainText(`set it to exactly ${e2e.appUrl}/api/amocrm/callback`);
  await expectState(page, "connected");
});

test("a Redirect URI registered with a trailing slash is explained without echoing the code", async ({ page, request, consentPage, statusPage }) => {
  await fake.call(request, "config", { redirectUri: `${e2e.appUrl}/api/amocrm/callback/` });
  try {
    const before = (await fake.state(request)).calls.tokenTotal;
    const callback = page.waitForResponse((response) => response.url().includes("/api/amocrm/callback/?code="));
    await consentPage.authorize("Allow");
    const response = await callback;
    expect(response.status()).toBe(303);
    expect(response.headers().location).toMatch(new RegExp(`^(${escapeRegExp(e2e.appUrl)})?/status\\?error=redirect_uri_mismatch$`));
    await expect(await statusPage.error.expectCode("redirect_uri_mismatch")).toContainText(`${e2e.appUrl}/api/amocrm/callback`);
    expect((await fake.state(request)).calls.tokenTotal).toBe(before);
    await expectState(page, "connected");
    // Other pages keep the usual trailing-slash redirect.
    const other = await page.request.get("/status/?x=1", { maxRedirects: 0 });
    expect(other.status()).toBe(308);
    expect(other.headers().location).toMatch(new RegExp(`^(${escapeRegExp(e2e.appUrl)})?/status\\?x=1$`));
  } finally {
    await fake.call(request, "config", { redirectUri: `${e2e.appUrl}/api/amocrm/callback` });
  }
});

test("forged and replayed states are refused before any token request", async ({ page, request, consentPage, statusPage }) => {
  const before = (await fake.state(request)).calls.tokenTotal;
  await page.goto(`/api/amocrm/callback?code=def50200${"ab".repeat(20)}&state=forged-state&referer=acoustic.amocrm.ru&platform=1&client_id=${e2e.clientId}`);
  await statusPage.error.expectCode("state_invalid");

  // A real round trip, then the same callback URL again.
  const callback = page.waitForRequest((req) => req.url().startsWith(`${e2e.appUrl}/api/amocrm/callback?code=`));
  await consentPage.authorize("Allow");
  const callbackUrl = (await callback).url();
  await expect(statusPage.connectionState).toHaveText("Connected");
  const afterSuccess = (await fake.state(request)).calls.tokenTotal;
  expect(afterSuccess).toBe(before + 1);

  await page.goto(callbackUrl);
  await expect(await statusPage.error.expectCode("state_used")).toContainText("already used");
  expect((await fake.state(request)).calls.tokenTotal).toBe(afterSuccess);
  await expectState(page, "connected");
});

for (const referer of ["evil.example", "x.amocrm.ru.evil.example", "x.amocrm.ru@evil.example", "www.amocrm.ru", "acoustic.kommo.com"]) {
  test(`a referer of ${referer} is refused with no outbound request`, async ({ page, request, statusPage }) => {
    const state = await startAuthorization(page);
    const before = (await fake.state(request)).requests.length;
    const query = new URLSearchParams({ code: `def50200${"cd".repeat(30)}`, state, referer, client_id: e2e.clientId });
    await page.goto(`/api/amocrm/callback?${query}`);
    await expect(statusPage.error.alert).toBeVisible();
    const code = new URL(page.url()).searchParams.get("error");
    expect(["referer_invalid", "platform_mismatch"]).toContain(code);
    await statusPage.error.expectCode(code as "referer_invalid" | "platform_mismatch");
    expect((await fake.state(request)).requests.length).toBe(before);
    await expectState(page, "connected");
  });
}

test("an account other than the saved address is refused", async ({ page, request, statusPage }) => {
  const state = await startAuthorization(page);
  const before = (await fake.state(request)).calls.tokenTotal;
  const query = new URLSearchParams({ code: `def50200${"ef".repeat(30)}`, state, referer: "other.amocrm.ru", client_id: e2e.clientId });
  await page.goto(`/api/amocrm/callback?${query}`);
  await expect(await statusPage.error.expectCode("account_mismatch")).toContainText("other.amocrm.ru");
  expect((await fake.state(request)).calls.tokenTotal).toBe(before);
});

test("a session that ran out during consent: sign in, then the flow completes", async ({ page, request, consentPage, loginPage, statusPage }) => {
  await consentPage.open();
  await expect(consentPage.allowButton).toBeVisible();
  // The session ends while the admin is on amoCRM's page.
  const cookies = await page.context().cookies();
  await page.context().clearCookies();
  await page.context().addCookies(cookies.filter((cookie) => !cookie.name.includes("session-token")));
  const before = (await fake.state(request)).calls.tokenAuthorizationCode;

  await consentPage.choose("Allow");
  await expect(page).toHaveURL(/\/login/);
  expect(page.url()).not.toContain("code=");
  await loginPage.email.fill(e2e.adminEmail);
  await loginPage.password.fill(e2e.adminPassword);
  await loginPage.submitButton.click();
  await expect(page).toHaveURL(/\/status\?connected=1/);
  await expect(statusPage.connectionState).toHaveText("Connected");
  expect((await fake.state(request)).calls.tokenAuthorizationCode).toBe(before + 1);
});

test("the connect page warns when it is opened at another address than APP_URL", async ({ page, connectPage }) => {
  await connectPage.goto();
  // A positive control first, so the absent warning below is not just a page that never loaded.
  await expect(connectPage.redirectUri).toHaveText(`${e2e.appUrl}/api/amocrm/callback`);
  await expect(connectPage.originWarning).toHaveCount(0);
  const behindProxy = await page.request.get("/connect", { headers: { "X-Forwarded-Host": "admin.example.com", "X-Forwarded-Proto": "https" } });
  expect(await behindProxy.text()).toContain(`You opened this page at https://admin.example.com, but APP_URL is ${e2e.appUrl}`);
});

test("admin POSTs from another origin are refused", async ({ page }) => {
  const response = await page.request.post("/api/amocrm/disconnect", { headers: { Origin: "https://evil.example" }, data: {} });
  expect(response.status()).toBe(403);
  expect((await response.json()).error.code).toBe("origin_mismatch");
  await expectState(page, "connected");
});

test("a link on another site does not start an authorization: /connect offers the button instead (issue 14 item 7)", async ({ page, request, connectPage }) => {
  const before = (await fake.state(request)).calls.consentViews;
  // Two other sites with a link to Authorize: one same-site (the fake's origin, another port of 127.0.0.1), one
  // cross-site. The browser itself says where the navigation came from (Sec-Fetch-Site).
  for (const elsewhere of [`${e2e.fakeUrl}/elsewhere`, "http://elsewhere.example/"]) {
    await page.route(elsewhere, (route) =>
      route.fulfill({ contentType: "text/html", body: `<!doctype html><a href="${e2e.appUrl}/api/amocrm/authorize">Connect amoCRM</a>` }),
    );
    await page.goto(elsewhere);
    await page.getByRole("link", { name: "Connect amoCRM" }).click();
    await expect(page).toHaveURL(`${e2e.appUrl}/connect?authorize=confirm`);
    await expect(connectPage.authorizeFromAnotherSite).toBeVisible();
    expect((await fake.state(request)).calls.consentViews).toBe(before);
  }
  await connectPage.authorizeFromAnotherSiteButton.click();
  await expect(page).toHaveURL(new RegExp(`^${escapeRegExp(e2e.fakeUrl)}/oauth\\?`));
  await page.goto("/status");
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
