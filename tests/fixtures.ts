import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { e2e } from "../playwright.config";

export { e2e, expect };

/** Every response body and header the browser saw, appended to one file per run for the leak scan. */
const capturePath = path.join(e2e.runDir, "responses.log");

export const test = base.extend<{ page: Page }>({
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
});

export function responsesCapturePath(): string {
  return capturePath;
}

/** Signs in through the real form; by default waits until the browser has left the sign-in page. */
export async function signIn(page: Page, { email = e2e.adminEmail, password = e2e.adminPassword, expectSuccess = true } = {}) {
  await page.goto("/login");
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="password"]').press("Enter");
  if (expectSuccess) await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** The fake amoCRM's control API. */
export const fake = {
  async call<T = Record<string, unknown>>(request: APIRequestContext, route: string, body?: unknown): Promise<T> {
    const response = body === undefined && route === "state"
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

/** Saves the credentials form in English UI. */
export async function saveCredentials(
  page: Page,
  { clientId = e2e.clientId, clientSecret = e2e.clientSecret, accountDomain = "", platform = "amocrm.ru" } = {},
) {
  await page.goto("/connect");
  const form = page.locator("#credentials-form");
  await form.locator(`input[name="platform"][value="${platform}"]`).check();
  await form.locator('input[name="clientId"]').fill(clientId);
  await form.locator('input[name="clientSecret"]').fill(clientSecret);
  await form.locator('input[name="accountDomain"]').fill(accountDomain);
  await form.locator('input[name="clientId"]').press("Enter");
  await expect(page.getByRole("status").filter({ hasText: /Saved|Saqlandi|Сохранено/i })).toBeVisible();
}

/** Authorize → the fake's consent page → Allow (or Deny) → back on /status. */
export async function authorize(page: Page, choice: "Allow" | "Deny" = "Allow") {
  await page.goto("/api/amocrm/authorize");
  await page.getByRole("button", { name: choice }).click();
  await page.waitForURL(/\/status/);
}

export async function useEnglish(page: Page) {
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: e2e.appUrl }]);
}
