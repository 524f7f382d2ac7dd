import type { Locator, Page } from "@playwright/test";
import type { TroubleshootingTopic } from "../../components/guide/troubleshooting-topics";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";

/** /guide/troubleshooting: one article per error code and setup problem, each the target of `#<topic>`. */
export class TroubleshootingPage extends AdminShell {
  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
  }

  async goto() {
    await this.page.goto("/guide/troubleshooting");
  }

  /** The topic's article, found by its title (the article is labelled by its heading). */
  entry(topic: TroubleshootingTopic): Locator {
    return this.page.getByRole("article", { name: this.text.troubleshooting.entries[topic].title, exact: true });
  }
}
