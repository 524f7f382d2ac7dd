import { authorize, e2e, expect, fake, saveCredentials, signIn, test, useEnglish } from "../fixtures";
import type { Page } from "@playwright/test";

// The connection over time, as the admin sees it on /status.
test.describe.configure({ mode: "serial" });

async function status(page: Page) {
  return (await page.request.get("/api/amocrm/status")).json();
}

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await signIn(page);
  if ((await status(page)).state !== "connected") {
    await saveCredentials(page);
    await authorize(page, "Allow");
  }
  await page.goto("/status");
  await expect(page.getByTestId("connection-state")).toHaveText("Connected");
});

test("amoCRM expires the access token: Test connection refreshes once, succeeds, and shows the new expiry", async ({ page, request }) => {
  const before = await status(page);
  const refreshesBefore = (await fake.state(request)).calls.tokenRefresh;
  await fake.call(request, "expire-access-tokens");

  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("action-result")).toContainText("account Acoustic (ID 29145784)");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshesBefore + 1);

  const after = await status(page);
  expect(after.state).toBe("connected");
  expect(Date.parse(after.accessTokenExpiresAt)).toBeGreaterThan(Date.parse(before.accessTokenExpiresAt));
  expect(after.lastCheck.ok).toBe(true);
  await expect(page.getByTestId("access-expires")).not.toHaveText("");
  await expect(page.getByTestId("events")).toContainText("Tokens refreshed");
});

test("Refresh tokens now rotates the pair and says until when the new token lives", async ({ page, request }) => {
  const refreshesBefore = (await fake.state(request)).calls.tokenRefresh;
  await page.getByRole("button", { name: "Refresh tokens now" }).click();
  await expect(page.getByTestId("action-result")).toContainText("Tokens refreshed");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshesBefore + 1);
  const response = await page.request.post("/api/amocrm/refresh", { headers: { Origin: e2e.appUrl } });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.ok).toBe(true);
  expect(Date.parse(body.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 86_000_000);
});

test("a revoked refresh token asks for re-authorization and stops refreshing", async ({ page, request }) => {
  await fake.call(request, "revoke-tokens");
  await page.getByRole("button", { name: "Refresh tokens now" }).click();
  await expect(page.getByTestId("action-result")).toContainText("Re-authorize");
  await page.reload();
  await expect(page.getByTestId("connection-state")).toHaveText("Needs re-authorization");
  await expect(page.locator('[data-error-code="token_revoked"]')).toBeVisible();
  const refreshes = (await fake.state(request)).calls.tokenRefresh;
  const again = await page.request.post("/api/amocrm/refresh", { headers: { Origin: e2e.appUrl } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.code).toBe("needs_reauth");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshes);
  await page.getByRole("link", { name: "Re-authorize" }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByTestId("connection-state")).toHaveText("Connected");
});

test("amoCRM's disconnect hook with the right signature marks the connection revoked", async ({ page, request }) => {
  const wrong = await fake.call<{ status: number }>(request, "disconnect-hook", { url: `${e2e.appUrl}/api/amocrm/disconnect-hook`, signature: "0".repeat(64) });
  expect(wrong.status).toBe(403);
  const right = await fake.call<{ status: number }>(request, "disconnect-hook", { url: `${e2e.appUrl}/api/amocrm/disconnect-hook` });
  expect(right.status).toBe(200);
  await page.reload();
  await expect(page.getByTestId("connection-state")).toHaveText("Revoked in amoCRM");
  expect((await status(page)).state).toBe("revoked");
});

test("changing the keys of a connected account says re-authorization is needed, and nothing is lost", async ({ page }) => {
  await page.goto("/connect");
  await expect(page.getByText("This account is connected. Changing the Client ID or Client Secret")).toBeVisible();
  await page.locator('#credentials-form input[name="clientSecret"]').fill("N".repeat(64));
  await page.locator('#credentials-form input[name="clientSecret"]').press("Enter");
  await expect(page.getByText(/The connected account uses the previous keys/)).toBeVisible();
  const after = await status(page);
  expect(after.state).toBe("needs_reauth");
  expect(after.account.name).toBe("Acoustic");
  expect(after.accessTokenExpiresAt).not.toBeNull();
  // Back to the right keys, then authorize again.
  await saveCredentials(page);
  await authorize(page, "Allow");
  await expect(page.getByTestId("connection-state")).toHaveText("Connected");
});

test("a long-lived token connects without OAuth, is never refreshed, and warns before it expires", async ({ page, request }) => {
  const { token } = await fake.call<{ token: string }>(request, "long-lived-token", { days: 10 });
  const refreshes = (await fake.state(request)).calls.tokenRefresh;
  await page.goto("/connect");
  const form = page.locator("#long-lived-form");
  await form.locator('input[name="longLivedPlatform"][value="amocrm.ru"]').check();
  await form.locator('input[name="longLivedAccountDomain"]').fill("acoustic.amocrm.ru");
  await form.locator('input[name="longLivedToken"]').fill(token);
  await form.getByRole("button", { name: "Connect with the token" }).click();
  await expect(form.getByText("Connected with the long-lived token.")).toBeVisible();
  await expect(form.locator('input[name="longLivedToken"]')).toHaveValue("");

  await page.goto("/status");
  await expect(page.getByText("Long-lived token (never refreshed)")).toBeVisible();
  await expect(page.getByText(/The long-lived token expires in (9|10) days/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Refresh tokens now" })).toHaveCount(0);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("action-result")).toContainText("account Acoustic");
  const refresh = await page.request.post("/api/amocrm/refresh", { headers: { Origin: e2e.appUrl } });
  expect((await refresh.json()).error.code).toBe("long_lived_no_refresh");
  expect((await fake.state(request)).calls.tokenRefresh).toBe(refreshes);
  expect((await status(page)).mode).toBe("long_lived");
});

test("Disconnect asks for confirmation, then forgets the tokens but keeps the keys", async ({ page }) => {
  await page.getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog", { name: "Disconnect amoCRM?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect((await status(page)).state).toBe("connected");

  await page.getByRole("button", { name: "Disconnect" }).click();
  await dialog.getByRole("button", { name: "Yes, disconnect" }).click();
  await expect(page.getByTestId("action-result")).toContainText("Disconnected.");
  const after = await status(page);
  expect(after).toMatchObject({ state: "configured", hasClientSecret: true, accessTokenExpiresAt: null, clientId: e2e.clientId });
});
