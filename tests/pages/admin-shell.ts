import { expect, type Locator, type Page } from "@playwright/test";
import { LOCALE_NAMES, type Locale } from "../../lib/i18n/locales";
import { fill, uiText, type UiText } from "./text";

/**
 * What every page shares: the header of the admin pages (who is signed in, sign-out, the language switcher, the
 * test-provider banner) and the language of the document. The page objects of single pages extend it.
 */
export class AdminShell {
  protected readonly text: UiText;
  readonly signOutButton: Locator;
  readonly signOutEverywhereButton: Locator;
  readonly testProviderBanner: Locator;

  constructor(
    readonly page: Page,
    readonly locale: Locale = "en",
  ) {
    this.text = uiText(locale);
    this.signOutButton = page.getByRole("button", { name: this.text.common.signOut, exact: true });
    this.signOutEverywhereButton = page.getByRole("button", { name: this.text.common.signOutEverywhere, exact: true });
    // role="note" has no accessible name; the interface fixes this test id.
    this.testProviderBanner = page.getByTestId("test-provider-banner");
  }

  signedInAs(email: string): Locator {
    return this.page.getByText(fill(this.text.common.signedInAs, { email }), { exact: true });
  }

  /** The switcher's button for a language; its name is the language's own name, whatever the page's language. */
  languageButton(locale: Locale): Locator {
    return this.page.getByRole("button", { name: LOCALE_NAMES[locale], exact: true });
  }

  async signOut() {
    await this.signOutButton.click();
  }

  async signOutEverywhere() {
    await this.signOutEverywhereButton.click();
  }

  /** Waits until `<html lang>` names the given language. */
  async expectLanguage(locale: Locale) {
    await expect.poll(() => this.page.evaluate(() => document.documentElement.lang)).toBe(locale);
  }
}
