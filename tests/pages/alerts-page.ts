import { expect, type Locator, type Page } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";

/**
 * /settings/alerts: one card (a region named by its heading) per channel. The webhook form has the input named
 * `webhookUrl`; the signing secret is shown once in `data-testid="webhook-secret-value"` (the interface fixes both).
 */
export class AlertsPage extends AdminShell {
  readonly heading: Locator;
  readonly webhookForm: Locator;
  readonly webhookUrl: Locator;
  readonly saveWebhookButton: Locator;
  readonly removeWebhookButton: Locator;
  readonly webhookSecret: Locator;
  readonly hideSecretButton: Locator;
  readonly telegramLinkButton: Locator;
  readonly telegramLink: Locator;
  readonly telegramChats: Locator;
  readonly emailForm: Locator;
  readonly recipients: Locator;
  readonly saveRecipientsButton: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    const text = this.text.alerts;
    this.heading = page.getByRole("heading", { level: 1, name: text.title, exact: true });
    this.webhookForm = page.getByRole("form", { name: text.webhook.title, exact: true });
    this.webhookUrl = this.webhookForm.getByLabel(text.webhook.url, { exact: true });
    this.saveWebhookButton = this.webhookForm.getByRole("button", { name: text.webhook.save, exact: true });
    this.removeWebhookButton = this.webhookForm.getByRole("button", { name: text.webhook.remove, exact: true });
    this.webhookSecret = page.getByTestId("webhook-secret-value");
    this.hideSecretButton = page.getByRole("button", { name: text.webhook.hide, exact: true });
    this.telegramLinkButton = page.getByRole("button", { name: text.telegram.createLink, exact: true });
    // The deep link's accessible name is the URL itself.
    this.telegramLink = page.getByRole("link", { name: /^https:\/\/t\.me\// });
    this.telegramChats = page.getByRole("list", { name: text.telegram.chats, exact: true });
    this.emailForm = page.getByRole("form", { name: text.email.title, exact: true });
    this.recipients = this.emailForm.getByLabel(text.email.recipients, { exact: true });
    this.saveRecipientsButton = this.emailForm.getByRole("button", { name: text.email.save, exact: true });
  }

  async goto() {
    await this.page.goto("/settings/alerts");
  }

  /** The card of one channel. */
  card(channel: "webhook" | "telegram" | "email"): Locator {
    return this.page.locator("section").filter({ has: this.page.getByRole("heading", { level: 2, name: this.text.alerts[channel].title, exact: true }) });
  }

  testButton(channel: "webhook" | "telegram" | "email"): Locator {
    return this.card(channel).getByRole("button", { name: this.text.alerts.sendTest, exact: true });
  }

  testResult(channel: "webhook" | "telegram" | "email"): Locator {
    return this.page.getByTestId(`${channel}-test-result`);
  }

  /** Saves a webhook URL and returns the signing secret shown once. */
  async saveWebhook(url: string): Promise<string> {
    await this.webhookUrl.fill(url);
    await this.saveWebhookButton.click();
    await expect(this.webhookSecret).toBeVisible();
    return (await this.webhookSecret.textContent())?.trim() ?? "";
  }

  async removeWebhook() {
    await this.removeWebhookButton.click();
    await expect(this.removeWebhookButton).toHaveCount(0);
  }

  async saveRecipients(list: string) {
    await this.recipients.fill(list);
    await this.saveRecipientsButton.click();
  }

  chat(label: string): Locator {
    return this.telegramChats.getByRole("listitem").filter({ hasText: label });
  }

  unbindButton(label: string): Locator {
    return this.chat(label).getByRole("button", { name: this.text.alerts.telegram.unbind, exact: true });
  }
}
