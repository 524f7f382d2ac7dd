import { expect, type Locator, type Page } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";
import { e2e } from "../../playwright.config";
import { AdminShell } from "./admin-shell";
import { ErrorExplanation } from "./error-explanation";
import { escapeRegExp } from "./text";

export type Platform = "amocrm.ru" | "kommo.com";

/**
 * /connect: the Redirect URI, the credentials form (inputs named platform, clientId, clientSecret, accountDomain)
 * and the long-lived token form. Both forms carry the same platform radios, so every control is looked up inside
 * its form, which is named by its card's title.
 */
export class ConnectPage extends AdminShell {
  readonly redirectUri: Locator;
  readonly originWarning: Locator;
  readonly appUrlWarning: Locator;
  /** The notice after another site sent the browser to Authorize, with its own Authorize button. */
  readonly authorizeFromAnotherSite: Locator;
  readonly authorizeFromAnotherSiteButton: Locator;
  readonly error: ErrorExplanation;

  readonly credentialsForm: Locator;
  readonly platformGroup: Locator;
  readonly clientId: Locator;
  readonly clientSecret: Locator;
  readonly accountDomain: Locator;
  readonly saveButton: Locator;
  /** The announcement after a successful save (a fresh save, or one that asks to authorize again). */
  readonly savedMessage: Locator;

  readonly longLivedForm: Locator;
  readonly longLivedAccountDomain: Locator;
  readonly longLivedToken: Locator;
  readonly longLivedSubmit: Locator;
  readonly longLivedResult: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    const text = this.text.connect;
    // Code elements with no accessible name of their own; the ids are the page's.
    this.redirectUri = page.getByTestId("redirect-uri");
    this.originWarning = page.getByTestId("origin-warning");
    this.appUrlWarning = page.getByTestId("app-url-warning");
    this.authorizeFromAnotherSite = page.getByRole("alert").filter({ hasText: text.authorizeFromAnotherSite });
    this.authorizeFromAnotherSiteButton = this.authorizeFromAnotherSite.getByRole("link", { name: text.authorize, exact: true });
    this.error = new ErrorExplanation(page, this.text);

    this.credentialsForm = page.getByRole("form", { name: text.form.legend, exact: true });
    this.platformGroup = this.credentialsForm.getByRole("group", { name: text.form.platform, exact: true });
    this.clientId = this.credentialsForm.getByLabel(text.form.clientId, { exact: true });
    this.clientSecret = this.credentialsForm.getByLabel(text.form.clientSecret, { exact: true });
    this.accountDomain = this.credentialsForm.getByLabel(text.form.accountDomain, { exact: true });
    this.saveButton = this.credentialsForm.getByRole("button", { name: text.form.submit, exact: true });
    this.savedMessage = this.credentialsForm
      .getByRole("status")
      .filter({ hasText: new RegExp(`${escapeRegExp(text.saved)}|${escapeRegExp(text.savedReauth)}`) });

    this.longLivedForm = page.getByRole("form", { name: text.longLived.title, exact: true });
    this.longLivedAccountDomain = this.longLivedForm.getByLabel(text.longLived.accountDomain, { exact: true });
    this.longLivedToken = this.longLivedForm.getByLabel(text.longLived.token, { exact: true });
    this.longLivedSubmit = this.longLivedForm.getByRole("button", { name: text.longLived.submit, exact: true });
    this.longLivedResult = this.longLivedForm.getByRole("status");
  }

  async goto() {
    await this.page.goto("/connect");
  }

  platform(platform: Platform): Locator {
    return this.credentialsForm.getByRole("radio", { name: this.platformLabel(platform), exact: true });
  }

  longLivedPlatform(platform: Platform): Locator {
    return this.longLivedForm.getByRole("radio", { name: this.platformLabel(platform), exact: true });
  }

  /** Fills the credentials form on the page as it is and sends it with Enter; does not wait for the answer. */
  async submitCredentials({
    clientId = e2e.clientId,
    clientSecret = e2e.clientSecret,
    accountDomain = "",
    platform = "amocrm.ru" as Platform,
  } = {}) {
    await this.platform(platform).check();
    await this.clientId.fill(clientId);
    await this.clientSecret.fill(clientSecret);
    await this.accountDomain.fill(accountDomain);
    await this.clientId.press("Enter");
  }

  /** Opens /connect, saves the credentials and waits until the page says they were saved. */
  async saveCredentials(values: Parameters<ConnectPage["submitCredentials"]>[0] = {}) {
    await this.goto();
    await this.submitCredentials(values);
    await expect(this.savedMessage).toBeVisible();
  }

  async connectLongLived({ platform = "amocrm.ru" as Platform, accountDomain, token }: { platform?: Platform; accountDomain: string; token: string }) {
    await this.longLivedPlatform(platform).check();
    await this.longLivedAccountDomain.fill(accountDomain);
    await this.longLivedToken.fill(token);
    await this.longLivedSubmit.click();
  }

  private platformLabel(platform: Platform): string {
    return platform === "amocrm.ru" ? this.text.connect.form.platformAmocrm : this.text.connect.form.platformKommo;
  }
}
