import type { Locator, Page } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";

/** /setup?token=…: the one-time form that creates the first admin. */
export class SetupPage extends AdminShell {
  readonly email: Locator;
  readonly password: Locator;
  readonly confirm: Locator;
  readonly submitButton: Locator;
  readonly invalidLink: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    const text = this.text.auth.setup;
    this.email = page.getByLabel(text.email, { exact: true });
    this.password = page.getByLabel(text.password, { exact: true });
    this.confirm = page.getByLabel(text.confirm, { exact: true });
    this.submitButton = page.getByRole("button", { name: text.submit, exact: true });
    // Next's route announcer is a second role="alert" on every page, so the refusal is found by its words.
    this.invalidLink = page.getByText(text.invalidLink, { exact: true });
  }

  async goto(link: string) {
    await this.page.goto(link);
  }

  async createAdmin({ email, password }: { email: string; password: string }) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.confirm.fill(password);
    await this.submitButton.click();
  }
}
