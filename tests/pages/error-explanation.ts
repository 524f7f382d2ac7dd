import { expect, type Locator, type Page } from "@playwright/test";
import { troubleshootingHref } from "../../components/guide/troubleshooting-topics";
import type { ErrorCode } from "../../lib/error-codes";
import type { UiText } from "./text";

/**
 * An explained error on /status or /connect: a role="alert" box holding the message and a "How to fix this" link to
 * the code's troubleshooting entry. That link is what tells one code's box from another's, and what singles the box
 * out from the other alerts on the page (Next's route announcer, plain warnings).
 */
export class ErrorExplanation {
  readonly alert: Locator;
  readonly fixLink: Locator;

  constructor(page: Page, text: UiText) {
    const fixLink = page.getByRole("link", { name: text.status.howToFix, exact: true });
    this.alert = page.getByRole("alert").filter({ has: fixLink });
    this.fixLink = this.alert.getByRole("link", { name: text.status.howToFix, exact: true });
  }

  /** Waits for the explanation of `code`, and returns its box for further checks of the wording. */
  async expectCode(code: ErrorCode): Promise<Locator> {
    await expect(this.alert).toBeVisible();
    await expect(this.fixLink).toHaveAttribute("href", troubleshootingHref(code));
    return this.alert;
  }
}
