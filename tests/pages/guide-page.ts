import type { Locator, Page } from "@playwright/test";
import type { GuideStep } from "../../components/guide/steps";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";

/** /guide/<step>: one illustrated step of the guide. */
export class GuidePage extends AdminShell {
  readonly heading: Locator;
  /** The step's illustration: the first image, which must carry an accessible name. */
  readonly figure: Locator;
  /** This server's values, shown as code with copy buttons (no accessible name of their own). */
  readonly redirectUri: Locator;
  readonly hookUrl: Locator;
  readonly finishLink: Locator;
  /** The website step's box with this server's leads address, and its way to the API keys page. */
  readonly websiteSection: Locator;
  readonly apiKeysLink: Locator;
  /** The website step is done because an active site API key exists. */
  readonly doneByApiKey: Locator;
  /** The last step's "Mark as done", there while nothing proves the step done. */
  readonly markLastDoneButton: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    this.heading = page.getByRole("heading", { level: 1 });
    this.figure = page.getByRole("img").first();
    this.redirectUri = page.getByTestId("guide-redirect-uri");
    this.hookUrl = page.getByTestId("guide-hook-url");
    this.finishLink = page.getByRole("link", { name: this.text.guide.finish.cta, exact: true });
    this.websiteSection = page.getByRole("region", { name: this.text.guide.website.title, exact: true });
    this.apiKeysLink = this.websiteSection.getByRole("link", { name: this.text.guide.website.cta });
    this.doneByApiKey = page.getByText(this.text.guide.markDone.doneByApiKey, { exact: true });
    this.markLastDoneButton = page.getByRole("button", { name: this.text.guide.markDone.doneLast, exact: true });
  }

  async goto(step?: GuideStep) {
    await this.page.goto(step ? `/guide/${step}` : "/guide");
  }

  /** The step's title as the guide's messages give it in this page's language. */
  stepTitle(step: GuideStep): string {
    return this.text.guide.steps[step].title;
  }
}
