import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { GUIDE_STEPS } from "../../components/guide/steps";
import { ALL_ERROR_CODES } from "../../lib/error-codes";
import { LOCALES, type Locale } from "../../lib/i18n/locales";
import en from "../../messages/en/guide.json";
import ru from "../../messages/ru/guide.json";
import uz from "../../messages/uz/guide.json";
import { e2e, expect, signIn, test } from "../fixtures";

const GUIDE_TEXT: Record<Locale, typeof en> = { en, ru, uz };
const SCREENSHOTS = path.join(e2e.runDir, "screenshots");

async function useLocale(page: Page, locale: Locale) {
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: e2e.appUrl }]);
}

async function expectNoSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${label}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(serious).toEqual([]);
}

test.beforeAll(() => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

for (const locale of LOCALES) {
  test(`every guide step renders in ${locale}, with its illustration, at 390 and 1280 px`, async ({ page }) => {
    await useLocale(page, locale);
    await signIn(page);
    const text = GUIDE_TEXT[locale];
    for (const step of GUIDE_STEPS) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`/guide/${step}`);
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(text.steps[step].title);
        const figure = page.getByRole("img").first();
        await expect(figure).toBeVisible();
        await expect(figure).toHaveAccessibleName(/.+/);
        // Nothing sticks out sideways on a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${locale} ${step} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${locale}-${step}-${width}.png`), fullPage: true });
      }
    }
  });
}

test("the guide shows this server's Redirect URI and hook URL, and its last step leads into the form", async ({ page }) => {
  await useLocale(page, "en");
  await signIn(page);
  await page.goto("/guide/fill-form");
  await expect(page.getByTestId("guide-redirect-uri")).toHaveText(`${e2e.appUrl}/api/amocrm/callback`);
  await expect(page.getByTestId("guide-hook-url")).toHaveText(`${e2e.appUrl}/api/amocrm/disconnect-hook`);
  await page.goto("/guide/copy-keys");
  await page.getByRole("link", { name: en.finish.cta }).click();
  await expect(page).toHaveURL(/\/connect$/);
  await expect(page.getByTestId("redirect-uri")).toHaveText(`${e2e.appUrl}/api/amocrm/callback`);
});

test("every error the status page can show links to a troubleshooting entry that exists", async ({ page }) => {
  await useLocale(page, "en");
  await signIn(page);
  await page.goto("/guide/troubleshooting");
  for (const code of ALL_ERROR_CODES) {
    await expect(page.locator(`[id="${code}"]`), code).toHaveCount(1);
  }
  for (const code of ["redirect_uri_mismatch", "access_denied", "needs_reauth", "account_blocked", "payment_required", "rate_limited", "origin_mismatch", "revoked"]) {
    await page.goto(`/status?error=${code}`);
    const link = page.locator(`[data-error-code="${code}"] a[href="/guide/troubleshooting#${code}"]`);
    await expect(link).toBeVisible();
  }
  await page.locator('[data-error-code="revoked"] a').click();
  await expect(page).toHaveURL(/\/guide\/troubleshooting#revoked$/);
  await expect(page.locator('[id="revoked"]')).toBeInViewport();
});

test("the credentials form can be completed with the keyboard alone", async ({ page }) => {
  await useLocale(page, "en");
  await signIn(page);
  await page.goto("/connect");
  const focusedName = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? "");
  for (let presses = 0; presses < 60 && (await focusedName()) !== "platform"; presses += 1) await page.keyboard.press("Tab");
  expect(await focusedName()).toBe("platform");
  await page.keyboard.press("Tab");
  expect(await focusedName()).toBe("clientId");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(e2e.clientId);
  await page.keyboard.press("Tab");
  expect(await focusedName()).toBe("clientSecret");
  await page.keyboard.type(e2e.clientSecret);
  await page.keyboard.press("Tab");
  expect(await focusedName()).toBe("accountDomain");
  await page.keyboard.press("Tab");
  await expect(page.locator("#credentials-form button[type=submit]")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
});

for (const locale of LOCALES) {
  test(`no serious accessibility violations in ${locale}`, async ({ page, browser }) => {
    const anonymous = await browser.newContext();
    const loginPage = await anonymous.newPage();
    await anonymous.addCookies([{ name: "NEXT_LOCALE", value: locale, url: e2e.appUrl }]);
    await loginPage.goto(`${e2e.appUrl}/login`);
    await expectNoSeriousViolations(loginPage, `${locale} /login`);
    await anonymous.close();

    await useLocale(page, locale);
    await signIn(page);
    for (const route of [...GUIDE_STEPS.map((step) => `/guide/${step}`), "/guide/troubleshooting", "/connect", "/status", "/status?error=redirect_uri_mismatch"]) {
      await page.goto(route);
      await expectNoSeriousViolations(page, `${locale} ${route}`);
    }
  });
}
