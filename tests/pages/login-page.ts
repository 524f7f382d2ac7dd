import type { Locator, Page } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";
import { e2e } from "../../playwright.config";
import { AdminShell } from "./admin-shell";

/** /login: the admin sign-in form (inputs named `email` and `password`, found here by their labels). */
export class LoginPage extends AdminShell {
  readonly heading: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submitButton: Locator;

  /** `origin` picks the server: the main one, or the second one with its own database (`e2e.setupAppUrl`). */
  constructor(
    page: Page,
    locale: Locale = "en",
    readonly origin: string = e2e.appUrl,
  ) {
    super(page, locale);
    const text = this.text.auth.login;
    this.heading = page.getByRole("heading", { name: text.title, exact: true });
    this.email = page.getByLabel(text.email, { exact: true });
    this.password = page.getByLabel(text.password, { exact: true });
    this.submitButton = page.getByRole("button", { name: text.submit, exact: true });
  }

  async goto() {
    await this.page.goto(`${this.origin}/login`);
  }

  /** Fills the form on the page as it is (no navigation) and sends it with Enter, as most people do. */
  async submit({ email = e2e.adminEmail, password = e2e.adminPassword } = {}) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.password.press("Enter");
  }

  /** Opens /login and signs in; by default waits until the browser has left the sign-in page. */
  async signIn({ email = e2e.adminEmail, password = e2e.adminPassword, expectSuccess = true } = {}) {
    await this.goto();
    await this.submit({ email, password });
    if (expectSuccess) await this.page.waitForURL((url) => !url.pathname.startsWith("/login"));
  }
}
