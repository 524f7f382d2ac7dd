import { randomUUID } from "node:crypto";
import path from "node:path";
import { LOCALES } from "../../lib/i18n/locales";
import { ApiKeysPage, e2e, expect, GuidePage, LoginPage, test, useEnglish, useLocale } from "../fixtures";
import en from "../../messages/en/apiKeys.json";
import uz from "../../messages/uz/apiKeys.json";

const LEADS_URL = `${e2e.appUrl}/api/v1/leads`;
const KEY_PATTERN = /^amc_[A-Za-z0-9_-]{43}$/;
const LEAD = { name: "Ali Valiyev", phone: "+998 90 123-45-67", email: "ali@example.uz", source: "e2e-api-keys" };

/** A name no other test uses, so the list entry is this test's own. */
const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

test("a new key is shown once, sends leads, and stops at once when revoked", async ({ page, request, loginPage, apiKeysPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
  await apiKeysPage.goto();
  await expect(apiKeysPage.heading).toBeVisible();

  const name = uniqueName("Website");
  const key = await apiKeysPage.createKey(name);
  expect(key).toMatch(KEY_PATTERN);
  // Shown, not kept anywhere the browser would send or show it again.
  expect(page.url()).not.toContain(key);
  expect(JSON.stringify(await page.context().cookies())).not.toContain(key);

  // The key works as the website's server would use it.
  const accepted = await request.post("/api/v1/leads", {
    headers: { Authorization: `Bearer ${key}`, "Idempotency-Key": randomUUID() },
    data: LEAD,
  });
  expect(accepted.status()).toBe(202);
  expect(await accepted.json()).toMatchObject({ ok: true, lead: { status: "queued" } });

  // After a reload the key is gone for good; the list shows only its name and first characters.
  await page.reload();
  await expect(apiKeysPage.heading).toBeVisible();
  await expect(apiKeysPage.keyValue).toHaveCount(0);
  expect(await page.content()).not.toContain(key);
  const row = apiKeysPage.keyRow(name);
  await expect(row).toContainText(key.slice(0, 10));
  await expect(row).not.toContainText(key.slice(0, 11));
  await expect(row).toContainText(en.list.active);
  // It was used just now, so "Last used" names a time instead of "Never".
  await expect(row).not.toContainText(en.list.never);

  await apiKeysPage.revoke(name);
  const refused = await request.post("/api/v1/leads", {
    headers: { Authorization: `Bearer ${key}` },
    data: LEAD,
  });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("invalid_api_key");
  await page.reload();
  await expect(apiKeysPage.revokeButton(name)).toHaveCount(0);
  await expect(apiKeysPage.keyRow(name)).toContainText(apiKeysPage.revokedPrefix());
});

test("Revoke asks first, and Cancel keeps the key", async ({ page, loginPage, apiKeysPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
  await apiKeysPage.goto();
  const name = uniqueName("Landing");
  await apiKeysPage.createKey(name);
  await apiKeysPage.hideKeyButton.click();
  await expect(apiKeysPage.keyValue).toHaveCount(0);

  const row = apiKeysPage.keyRow(name);
  await apiKeysPage.revokeButton(name).click();
  await expect(row.getByText(en.revoke.confirm)).toBeVisible();
  await expect(row.getByRole("button", { name: en.revoke.confirmButton })).toBeFocused();
  await row.getByRole("button", { name: en.revoke.cancel }).click();
  await expect(apiKeysPage.revokeButton(name)).toBeFocused();
  await page.reload();
  await expect(apiKeysPage.keyRow(name)).toContainText(en.list.active);
  await apiKeysPage.revoke(name);
});

test("an empty name is explained next to the field, in the admin's language", async ({ page }) => {
  await useLocale(page, "uz");
  await new LoginPage(page, "uz").signIn();
  const apiKeysPage = new ApiKeysPage(page, "uz");
  await apiKeysPage.goto();
  const keysBefore = await apiKeysPage.keyList.getByRole("listitem").count();
  for (const blank of ["", "   "]) {
    await apiKeysPage.nameInput.fill(blank);
    await apiKeysPage.createButton.click();
    await expect(apiKeysPage.nameInput).toHaveAccessibleErrorMessage(uz.errors.nameRequired);
    await expect(apiKeysPage.nameInput).toHaveAttribute("aria-invalid", "true");
  }
  await expect(apiKeysPage.keyValue).toHaveCount(0);
  expect(await apiKeysPage.keyList.getByRole("listitem").count()).toBe(keysBefore);
});

test("the developers' examples use this server's address, and the HTML form never talks to the API", async ({ page, loginPage, apiKeysPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
  await apiKeysPage.goto();
  for (const name of ["curl", "php", "node"] as const) {
    await expect(apiKeysPage.example(name), name).toContainText(LEADS_URL);
    await expect(apiKeysPage.example(name), name).toContainText("Idempotency-Key");
    await expect(apiKeysPage.example(name), name).toContainText("AMOCRM_CONNECT_API_KEY");
  }
  await expect(apiKeysPage.example("body")).toContainText('"name": "Ali Valiyev"');
  await expect(apiKeysPage.example("responses")).toContainText("202 Accepted");
  const html = apiKeysPage.example("html");
  await expect(html).toContainText('<form method="post" action="/contact.php">');
  await expect(html).not.toContainText(e2e.appUrl);
  await expect(html).not.toContainText("Bearer");
  await expect(apiKeysPage.openApiLink).toHaveAttribute("href", "/api/v1/openapi.json");
  await expect(apiKeysPage.openApiLink).toHaveText(`${e2e.appUrl}/api/v1/openapi.json`);

  // The examples wrap on a phone instead of pushing the page sideways.
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await apiKeysPage.goto();
    await expect(apiKeysPage.example("php")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `/settings/api-keys at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(e2e.runDir, "screenshots", `api-keys-${width}.png`), fullPage: true });
  }
});

test("/api/v1/openapi.json describes the API at this server's address", async ({ request }) => {
  const response = await request.get("/api/v1/openapi.json");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  const document = JSON.parse(await response.text());
  expect(document.servers[0].url).toBe(e2e.appUrl);
  expect(document.paths["/api/v1/leads"].post).toBeTruthy();
});

for (const locale of LOCALES) {
  test(`the guide's website step in ${locale}: the live address, the way to the keys, done by an active key`, async ({ page }) => {
    await useLocale(page, locale);
    await new LoginPage(page, locale).signIn();
    const guide = new GuidePage(page, locale);
    await guide.goto("connect-website");
    await guide.expectLanguage(locale);
    await expect(guide.heading).toHaveText(guide.stepTitle("connect-website"));
    await expect(guide.figure).toBeVisible();
    await expect(guide.figure).toHaveAccessibleName(/.+/);
    await expect(guide.websiteSection.getByText(LEADS_URL, { exact: true })).toBeVisible();
    // No key is active (the tests above revoke theirs), so the step waits for one.
    await expect(guide.markLastDoneButton).toBeVisible();

    await guide.apiKeysLink.click();
    await expect(page).toHaveURL(/\/settings\/api-keys$/);
    const apiKeysPage = new ApiKeysPage(page, locale);
    const name = uniqueName(`Guide ${locale}`);
    await apiKeysPage.createKey(name);

    await guide.goto("connect-website");
    await expect(guide.doneByApiKey).toBeVisible();
    await expect(guide.markLastDoneButton).toHaveCount(0);

    await apiKeysPage.goto();
    await apiKeysPage.revoke(name);
    await guide.goto("connect-website");
    await expect(guide.markLastDoneButton).toBeVisible();
  });
}
