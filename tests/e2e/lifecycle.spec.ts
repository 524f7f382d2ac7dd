import Database from "better-sqlite3";
import { e2e, expect, fake, test, useEnglish } from "../fixtures";
import type { Page } from "@playwright/test";

// The connection over time, as the admin sees it on /status.
test.describe.configure({ mode: "serial" });

async function status(page: Page) {
  return (await page.request.get("/api/amocrm/status")).json();
}

test.beforeEach(async ({ page, loginPage, connectPage, consentPage, statusPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
  if ((await status(page)).state !== "connected") {
    await connectPage.saveCredentials();
    await consentPage.authorize("Allow");
  }
  await statusPage.goto();
  await expect(statusPage.connectionState).toHaveText("Connected");
});

test("amoCRM expires the access token: Test connection refreshes once, succeeds, and shows the new expiry", async ({ page, request, statusPage }) => {
  const before = await status(page);
  const refreshesBefore = (await fake.state(request)).calls.tokenRefresh;
  await fake.call(request, "expire-access-tokens");

  await statusPage.testButton.click();
  await expect(statusPage.actionResult).toContainText("account Acoustic (ID 29145784)");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshesBefore + 1);

  const after = await status(page);
  expect(after.state).toBe("connected");
  expect(Date.parse(after.accessTokenExpiresAt)).toBeGreaterThan(Date.parse(before.accessTokenExpiresAt));
  expect(after.lastCheck.ok).toBe(true);
  await expect(statusPage.accessExpires).not.toHaveText("");
  await expect(statusPage.events).toContainText("Tokens refreshed");
});

test("Refresh tokens now rotates the pair and says until when the new token lives", async ({ page, request, statusPage }) => {
  const refreshesBefore = (await fake.state(request)).calls.tokenRefresh;
  await statusPage.refreshButton.click();
  await expect(statusPage.actionResult).toContainText("Tokens refreshed");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshesBefore + 1);
  const response = await page.request.post("/api/amocrm/refresh", { headers: { Origin: e2e.appUrl } });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.ok).toBe(true);
  expect(Date.parse(body.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 86_000_000);
});

test("a revoked refresh token asks for re-authorization and stops refreshing", async ({ page, request, statusPage, consentPage }) => {
  await fake.call(request, "revoke-tokens");
  await statusPage.refreshButton.click();
  await expect(statusPage.actionResult).toContainText("Re-authorize");
  await page.reload();
  await expect(statusPage.connectionState).toHaveText("Needs re-authorization");
  await statusPage.error.expectCode("token_revoked");
  const refreshes = (await fake.state(request)).calls.tokenRefresh;
  const again = await page.request.post("/api/amocrm/refresh", { headers: { Origin: e2e.appUrl } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.code).toBe("needs_reauth");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshes);
  await statusPage.reauthorizeLink.click();
  await consentPage.choose("Allow");
  await expect(statusPage.connectionState).toHaveText("Connected");
});

test("amoCRM's disconnect hook with the right signature marks the connection revoked", async ({ page, request, statusPage }) => {
  const wrong = await fake.call<{ status: number }>(request, "disconnect-hook", { url: `${e2e.appUrl}/api/amocrm/disconnect-hook`, signature: "0".repeat(64) });
  expect(wrong.status).toBe(403);
  const right = await fake.call<{ status: number }>(request, "disconnect-hook", { url: `${e2e.appUrl}/api/amocrm/disconnect-hook` });
  expect(right.status).toBe(200);
  await page.reload();
  await expect(statusPage.connectionState).toHaveText("Revoked in amoCRM");
  expect((await status(page)).state).toBe("revoked");
});

test("changing the keys of a connected account says re-authorization is needed, and nothing is lost", async ({ page, connectPage, consentPage, statusPage }) => {
  await connectPage.goto();
  await expect(page.getByText("This account is connected. Changing the Client ID or Client Secret")).toBeVisible();
  await connectPage.clientSecret.fill("N".repeat(64));
  await connectPage.clientSecret.press("Enter");
  await expect(page.getByText(/The connected account uses the previous keys/)).toBeVisible();
  const after = await status(page);
  expect(after.state).toBe("needs_reauth");
  expect(after.account.name).toBe("Acoustic");
  expect(after.accessTokenExpiresAt).not.toBeNull();
  // Back to the right keys, then authorize again.
  await connectPage.saveCredentials();
  await consentPage.authorize("Allow");
  await expect(statusPage.connectionState).toHaveText("Connected");
});

test("a long-lived token connects without OAuth, is never refreshed, and warns before it expires", async ({ page, request, connectPage, statusPage }) => {
  const { token } = await fake.call<{ token: string }>(request, "long-lived-token", { days: 10 });
  const refreshes = (await fake.state(request)).calls.tokenRefresh;
  await connectPage.goto();
  await connectPage.connectLongLived({ platform: "amocrm.ru", accountDomain: "acoustic.amocrm.ru", token });
  await expect(connectPage.longLivedResult).toHaveText("Connected with the long-lived token.");
  await expect(connectPage.longLivedToken).toHaveValue("");

  await statusPage.goto();
  await expect(page.getByText("Long-lived token (never refreshed)")).toBeVisible();
  await expect(page.getByText(/The long-lived token expires in (9|10) days/)).toBeVisible();
  // Positive control: the other action is there, so the missing Refresh button is not an unloaded page.
  await expect(statusPage.testButton).toBeVisible();
  await expect(statusPage.refreshButton).toHaveCount(0);
  await statusPage.testButton.click();
  await expect(statusPage.actionResult).toContainText("account Acoustic");
  const refresh = await page.request.post("/api/amocrm/refresh", { headers: { Origin: e2e.appUrl } });
  expect((await refresh.json()).error.code).toBe("long_lived_no_refresh");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshes);
  expect((await status(page)).mode).toBe("long_lived");
});

test("Disconnect asks for confirmation, then forgets the tokens but keeps the keys", async ({ page, statusPage }) => {
  await statusPage.disconnectButton.click();
  await expect(statusPage.disconnectDialog).toBeVisible();
  await statusPage.cancelDisconnect.click();
  await expect(statusPage.disconnectDialog).toBeHidden();
  expect((await status(page)).state).toBe("connected");

  await statusPage.disconnectButton.click();
  await statusPage.confirmDisconnect.click();
  await expect(statusPage.actionResult).toContainText("Disconnected.");
  const after = await status(page);
  expect(after).toMatchObject({ state: "configured", hasClientSecret: true, accessTokenExpiresAt: null, clientId: e2e.clientId });
});

test("after APP_URL changed since the consent, /status and /connect warn with both Redirect URIs", async ({ page, statusPage, connectPage }) => {
  const current = `${e2e.appUrl}/api/amocrm/callback`;
  await expect(page.getByTestId("redirect-uri-changed-warning")).toHaveCount(0);
  // The consent was given while the dashboard lived at another address (test set-up: the stored Redirect URI).
  const previous = "https://old-admin.example.com/api/amocrm/callback";
  const setStoredRedirectUri = (value: string) => {
    const db = new Database(e2e.databasePath, { fileMustExist: true });
    try {
      db.prepare("update connections set redirect_uri = ? where id = 1").run(value);
    } finally {
      db.close();
    }
  };
  setStoredRedirectUri(previous);
  try {
    expect(await status(page)).toMatchObject({ redirectUri: current, consentRedirectUri: previous, redirectUriChanged: true });
    await statusPage.goto();
    const onStatus = page.getByTestId("redirect-uri-changed-warning");
    await expect(onStatus).toBeVisible();
    await expect(onStatus).toContainText(`the Redirect URI was ${previous} and is now ${current}`);
    await expect(statusPage.connectionState).toHaveText("Connected");

    await connectPage.goto();
    const onConnect = page.getByTestId("redirect-uri-changed-warning");
    await expect(onConnect).toBeVisible();
    await expect(onConnect).toContainText(previous);
    await expect(connectPage.redirectUri).toHaveText(current);
  } finally {
    setStoredRedirectUri(current);
  }
});
