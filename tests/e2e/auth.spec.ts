import fs from "node:fs";
import { e2e, expect, signIn, test, useEnglish } from "../fixtures";

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
});

test("health answers once the database is migrated", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});

test("an admin page without a session lands on the sign-in page", async ({ page }) => {
  await page.goto("/status");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("the status JSON needs a session", async ({ request }) => {
  const response = await request.get("/api/amocrm/status");
  expect(response.status()).toBe(401);
  const body = await response.json();
  expect(body.ok).toBe(false);
  expect(body.error.code).toBe("unauthorized");
});

test("a wrong password and an unknown email get the same generic message", async ({ page }) => {
  await signIn(page, { password: "definitely-wrong", expectSuccess: false });
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await signIn(page, { email: "nobody@example.com", password: "definitely-wrong", expectSuccess: false });
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("the right password reaches the guide, and sign-out ends the session", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/guide/);
  await expect(page.getByText(`Signed in as ${e2e.adminEmail}`)).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/status");
  await expect(page).toHaveURL(/\/login/);
});

test("a session cookie taken before sign-out opens nothing after it", async ({ page, context }) => {
  // The race behind a failed run: a link prefetch in flight during sign-out answers after it and sets the renewed
  // cookie again. Replaying the old cookie on purpose makes that case certain instead of a matter of timing.
  await signIn(page);
  await expect(page).toHaveURL(/\/guide/);
  const before = (await context.cookies()).filter((cookie) => cookie.name.includes("session-token"));
  expect(before.length).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  await context.addCookies(before);
  await page.goto("/status");
  await expect(page).toHaveURL(/\/login/);
  const status = await page.request.get("/api/amocrm/status");
  expect(status.status()).toBe(401);
});

test("the one-time setup link creates the first admin once and never again", async ({ page }) => {
  const log = fs.readFileSync(e2e.setupServerLog, "utf8");
  const link = log.match(/https?:\/\/\S+\/setup\?token=[A-Za-z0-9_-]+/)?.[0];
  expect(link, "the server prints a setup link when no admin exists").toBeTruthy();
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: e2e.setupAppUrl }]);

  await page.goto(link!);
  await page.getByLabel("Email").fill("first@example.com");
  await page.getByLabel("Password", { exact: true }).fill("a-strong-password");
  await page.getByLabel("Repeat the password").fill("a-strong-password");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page).toHaveURL(/\/guide/);
  await expect(page.getByText("Signed in as first@example.com")).toBeVisible();

  await page.goto(link!);
  await expect(page.getByText(/This setup link is not valid/)).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveCount(0);
});
