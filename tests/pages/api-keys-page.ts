import { expect, type Locator, type Page } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";

export type ExampleName = "body" | "curl" | "php" | "node" | "html" | "responses";

/**
 * /settings/api-keys: the form with an input named `name`, the new key shown once in `data-testid="api-key-value"`
 * (the interface fixes that id), the list of keys with Revoke on each, and the developers' examples, each a region
 * named by its heading.
 */
export class ApiKeysPage extends AdminShell {
  readonly heading: Locator;
  readonly createForm: Locator;
  readonly nameInput: Locator;
  readonly createButton: Locator;
  /** The new key, present only right after it was created. */
  readonly keyValue: Locator;
  readonly hideKeyButton: Locator;
  readonly keyList: Locator;
  readonly openApiLink: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    const text = this.text.apiKeys;
    this.heading = page.getByRole("heading", { level: 1, name: text.title, exact: true });
    this.createForm = page.getByRole("form", { name: text.create.title, exact: true });
    this.nameInput = this.createForm.getByLabel(text.create.name, { exact: true });
    this.createButton = this.createForm.getByRole("button", { name: text.create.submit, exact: true });
    this.keyValue = page.getByTestId("api-key-value");
    this.hideKeyButton = page.getByRole("button", { name: text.create.hide, exact: true });
    this.keyList = page.getByRole("list", { name: text.list.title, exact: true });
    this.openApiLink = page.getByRole("link", { name: /\/api\/v1\/openapi\.json$/ });
  }

  async goto() {
    await this.page.goto("/settings/api-keys");
  }

  /** Creates a key through the form and returns the value shown once. */
  async createKey(name: string): Promise<string> {
    await this.nameInput.fill(name);
    await this.createButton.click();
    await expect(this.keyValue).toBeVisible();
    return (await this.keyValue.textContent())?.trim() ?? "";
  }

  /** The list entry of the key with this name. */
  keyRow(name: string): Locator {
    return this.keyList.getByRole("listitem").filter({ has: this.page.getByRole("heading", { name, exact: true }) });
  }

  revokeButton(name: string): Locator {
    return this.keyRow(name).getByRole("button", { name: this.text.apiKeys.revoke.button, exact: true });
  }

  /** Revoke, then confirm; waits until the entry says the key is revoked. */
  async revoke(name: string) {
    const row = this.keyRow(name);
    await this.revokeButton(name).click();
    await row.getByRole("button", { name: this.text.apiKeys.revoke.confirmButton, exact: true }).click();
    await expect(this.revokeButton(name)).toHaveCount(0);
    await expect(row).toContainText(this.revokedPrefix());
  }

  example(name: ExampleName): Locator {
    return this.page.getByRole("region", { name: this.text.apiKeys.developers[name].title, exact: true });
  }

  /** "Revoked on" without the date, in this page's language. */
  revokedPrefix(): string {
    return this.text.apiKeys.list.revokedOn.split("{date}").map((part) => part.trim()).filter(Boolean)[0] ?? "";
  }
}
