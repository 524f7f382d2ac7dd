import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import type { Locale } from "../lib/i18n/locales";
import { e2e } from "../playwright.config";
import { AlertsPage } from "./pages/alerts-page";
import { ApiKeysPage } from "./pages/api-keys-page";
import { ConnectPage } from "./pages/connect-page";
import { ConsentPage } from "./pages/consent-page";
import { GuidePage } from "./pages/guide-page";
import { LeadSettingsPage } from "./pages/lead-settings-page";
import { LoginPage } from "./pages/login-page";
import { SetupPage } from "./pages/setup-page";
import { StatusPage } from "./pages/status-page";
import { TroubleshootingPage } from "./pages/troubleshooting-page";

export { e2e, expect };
export { AlertsPage, ApiKeysPage, ConnectPage, ConsentPage, GuidePage, LeadSettingsPage, LoginPage, SetupPage, StatusPage, TroubleshootingPage };

/** The page objects, in the English UI and on the main server; tests in another language make their own. */
interface PageObjects {
  loginPage: LoginPage;
  setupPage: SetupPage;
  connectPage: ConnectPage;
  statusPage: StatusPage;
  guidePage: GuidePage;
  troubleshootingPage: TroubleshootingPage;
  consentPage: ConsentPage;
  apiKeysPage: ApiKeysPage;
  leadSettingsPage: LeadSettingsPage;
  alertsPage: AlertsPage;
}

/** Every response body and header the browser saw, appended to one file per run for the leak scan. */
const capturePath = path.join(e2e.runDir, "responses.log");

export const test = base.extend<{ page: Page } & PageObjects>({
  page: async ({ page }, use) => {
    page.on("response", async (response) => {
      if (!response.url().startsWith(e2e.appUrl)) return;
      let body = "";
      try {
        body = (await response.body()).toString("utf8");
      } catch {
        // Redirects and aborted requests have no body.
      }
      const headers = JSON.stringify(await response.allHeaders().catch(() => ({})));
      // The path only: the request's own URL (the callback's carries the code) is not something the server said.
      fs.appendFileSync(capturePath, `${response.status()} ${new URL(response.url()).pathname}\n${headers}\n${body}\n\n`);
    });
    await use(page);
  },
  loginPage: async ({ page }, use) => use(new LoginPage(page)),
  setupPage: async ({ page }, use) => use(new SetupPage(page)),
  connectPage: async ({ page }, use) => use(new ConnectPage(page)),
  statusPage: async ({ page }, use) => use(new StatusPage(page)),
  guidePage: async ({ page }, use) => use(new GuidePage(page)),
  troubleshootingPage: async ({ page }, use) => use(new TroubleshootingPage(page)),
  consentPage: async ({ page }, use) => use(new ConsentPage(page)),
  apiKeysPage: async ({ page }, use) => use(new ApiKeysPage(page)),
  leadSettingsPage: async ({ page }, use) => use(new LeadSettingsPage(page)),
  alertsPage: async ({ page }, use) => use(new AlertsPage(page)),
});

export function responsesCapturePath(): string {
  return capturePath;
}

/** The fake amoCRM's control API. */
export const fake = {
  async call<T = Record<string, unknown>>(request: APIRequestContext, route: string, body?: unknown): Promise<T> {
    const response = body === undefined && (route === "state" || route === "leads")
      ? await request.get(`${e2e.fakeUrl}/__control/${route}`)
      : await request.post(`${e2e.fakeUrl}/__control/${route}`, { data: body ?? {} });
    expect(response.ok(), `fake control ${route}: ${response.status()}`).toBeTruthy();
    return (await response.json()) as T;
  },
  state(request: APIRequestContext) {
    return fake.call<FakeState>(request, "state");
  },
};

export interface FakeState {
  calls: { consentViews: number; tokenAuthorizationCode: number; tokenRefresh: number; tokenTotal: number; account: number; subdomainLookups: number };
  issued: { codes: string[]; accessTokens: string[]; refreshTokens: string[]; clientSecret: string };
  requests: Array<{ method: string; path: string; status: number }>;
}

/** Picks the UI language through the switcher's cookie, on the main server unless `origin` names another. */
export async function useLocale(page: Page, locale: Locale, origin: string = e2e.appUrl) {
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: origin }]);
}

export async function useEnglish(page: Page) {
  await useLocale(page, "en");
}
