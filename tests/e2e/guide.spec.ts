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
import { e2e, expect, GuidePage, LoginPage, test, useLocale } from "../fixtures";

const GUIDE_TEXT: Record<Locale, typeof en> = { en, ru, uz };
const SCREENSHOTS = path.join(e2e.runDir, "screenshots");

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
    // Fourteen page loads with full-page screenshots: room for a loaded machine.
    test.slow();
    await useLocale(page, locale);
    await new LoginPage(page, locale).signIn();
    const guide = new GuidePage(page, locale);
    const text = GUIDE_TEXT[locale];
    for (const step of GUIDE_STEPS) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await guide.goto(step);
        await guide.expectLanguage(locale);
        await expect(guide.heading).toHaveText(text.steps[step].title);
        await expect(guide.figure).toBeVisible();
        await expect(guide.figure).toHaveAccessibleName(/.+/);
        // Nothing sticks out sideways on a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${locale} ${step} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${locale}-${step}-${width}.png`), fullPage: true });
      }
    }
  });
}

test("the guide shows this server's Redirect URI and hook URL, and its last step leads into the form", async ({ page, loginPage, guidePage, connectPage }) => {
  await useLocale(page, "en");
  await loginPage.signIn();
  await guidePage.goto("fill-form");
  await expect(guidePage.redirectUri).toHaveText(`${e2e.appUrl}/api/amocrm/callback`);
  await expect(guidePage.hookUrl).toHaveText(`${e2e.appUrl}/api/amocrm/disconnect-hook`);
  await guidePage.goto("copy-keys");
  await guidePage.finishLink.click();
  await expect(page).toHaveURL(/\/connect$/);
  await expect(connectPage.redirectUri).toHaveText(`${e2e.appUrl}/api/amocrm/callback`);
});

test("every error the status page can show links to a troubleshooting entry that exists", async ({ page, loginPage, statusPage, troubleshootingPage }) => {
  await useLocale(page, "en");
  await loginPage.signIn();
  await troubleshootingPage.goto();
  for (const code of ALL_ERROR_CODES) {
    // Found by its title; the id is what the status page's `#<code>` links land on.
    await expect(troubleshootingPage.entry(code), code).toHaveAttribute("id", code);
  }
  for (const code of ["redirect_uri_mismatch", "access_denied", "needs_reauth", "account_blocked", "payment_required", "rate_limited", "origin_mismatch", "revoked"] as const) {
    await statusPage.goto(`?error=${code}`);
    await statusPage.error.expectCode(code);
    await expect(statusPage.error.fixLink).toBeVisible();
  }
  await statusPage.error.fixLink.click();
  await expect(page).toHaveURL(/\/guide\/troubleshooting#revoked$/);
  await expect(troubleshootingPage.entry("revoked")).toBeInViewport();
});

test("the credentials form can be completed with the keyboard alone", async ({ page, loginPage, connectPage }) => {
  await useLocale(page, "en");
  await loginPage.signIn();
  await connectPage.goto();
  // The platform radios are the first stop inside the form; the page's links and buttons come before them.
  const platformFocused = () => connectPage.platformGroup.evaluate((group) => group.contains(document.activeElement));
  for (let presses = 0; presses < 60 && !(await platformFocused()); presses += 1) await page.keyboard.press("Tab");
  expect(await platformFocused()).toBe(true);
  await page.keyboard.press("Tab");
  await expect(connectPage.clientId).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(e2e.clientId);
  await page.keyboard.press("Tab");
  await expect(connectPage.clientSecret).toBeFocused();
  await page.keyboard.type(e2e.clientSecret);
  await page.keyboard.press("Tab");
  await expect(connectPage.accountDomain).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(connectPage.saveButton).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(connectPage.savedMessage).toBeVisible();
  await expect(connectPage.savedMessage).toContainText("Saved");
});

for (const locale of LOCALES) {
  test(`no serious accessibility violations in ${locale}`, async ({ page, browser }) => {
    // Fourteen pages, each scanned by axe: room for a loaded machine.
    test.slow();
    const anonymous = await browser.newContext();
    const anonymousPage = await anonymous.newPage();
    await useLocale(anonymousPage, locale);
    const loginPage = new LoginPage(anonymousPage, locale);
    await loginPage.goto();
    await expect(loginPage.heading).toBeVisible();
    await expectNoSeriousViolations(anonymousPage, `${locale} /login`);
    await anonymous.close();

    await useLocale(page, locale);
    await new LoginPage(page, locale).signIn();
    for (const route of [...GUIDE_STEPS.map((step) => `/guide/${step}`), "/guide/troubleshooting", "/connect", "/status", "/status?error=redirect_uri_mismatch", "/settings/api-keys", "/leads", "/settings/leads"]) {
      await page.goto(route);
      await expectNoSeriousViolations(page, `${locale} ${route}`);
    }
  });
}
