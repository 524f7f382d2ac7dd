import type { Locator, Page } from "@playwright/test";

/**
 * The fake amoCRM's consent page, where the admin's browser lands after Authorize. Its buttons are the fake's own
 * English words, whatever language the dashboard uses.
 */
export class ConsentPage {
  readonly allowButton: Locator;
  readonly denyButton: Locator;

  constructor(readonly page: Page) {
    this.allowButton = page.getByRole("button", { name: "Allow", exact: true });
    this.denyButton = page.getByRole("button", { name: "Deny", exact: true });
  }

  /** Starts the flow through the app's real Authorize route, which redirects to the consent page. */
  async open() {
    await this.page.goto("/api/amocrm/authorize");
  }

  async choose(choice: "Allow" | "Deny") {
    await (choice === "Allow" ? this.allowButton : this.denyButton).click();
  }

  /** Authorize → consent → Allow (or Deny) → back on /status. */
  async authorize(choice: "Allow" | "Deny" = "Allow") {
    await this.open();
    await this.choose(choice);
    await this.page.waitForURL(/\/status/);
  }
}
