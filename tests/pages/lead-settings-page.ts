import { expect, type Locator, type Page } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";
import { ErrorExplanation } from "./error-explanation";
import { fill, type UiText } from "./text";

/**
 * /settings/leads: where leads go (radios named destination, selects pipelineId and statusId), the lead name
 * template with its preview, tags, and the account's UTM fields. Controls are found by their labels inside the form,
 * which is named by its card's title.
 */
export class LeadSettingsPage extends AdminShell {
  readonly heading: Locator;
  readonly form: Locator;
  readonly unsorted: Locator;
  readonly pipeline: Locator;
  readonly pipelineSelect: Locator;
  readonly stageSelect: Locator;
  readonly nameTemplate: Locator;
  readonly tags: Locator;
  readonly preview: Locator;
  readonly saveButton: Locator;
  readonly previewButton: Locator;
  readonly savedMessage: Locator;
  readonly invalidMessage: Locator;
  /** Why pipelines cannot be chosen now, and amoCRM's error explained. */
  readonly pipelinesUnavailable: Locator;
  readonly error: ErrorExplanation;
  readonly appliesToNew: Locator;
  /** A sentence with no accessible name of its own saying where leads go now. */
  readonly currentDestination: Locator;
  readonly utmFields: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    const text = this.text.leadSettings;
    this.heading = page.getByRole("heading", { level: 1, name: text.title, exact: true });
    this.form = page.getByRole("form", { name: text.form.label, exact: true });
    this.unsorted = this.form.getByRole("radio", { name: text.form.unsorted, exact: true });
    this.pipeline = this.form.getByRole("radio", { name: text.form.pipeline, exact: true });
    this.pipelineSelect = this.form.getByLabel(text.form.pipelineSelect, { exact: true });
    this.stageSelect = this.form.getByLabel(text.form.stageSelect, { exact: true });
    this.nameTemplate = this.form.getByLabel(text.form.nameTemplate, { exact: true });
    this.tags = this.form.getByLabel(text.form.tags, { exact: true });
    this.preview = this.form.getByRole("status", { name: text.form.preview, exact: true });
    this.saveButton = this.form.getByRole("button", { name: text.form.submit, exact: true });
    this.previewButton = this.form.getByRole("button", { name: text.form.previewButton, exact: true });
    this.savedMessage = this.form.getByRole("status").filter({ hasText: text.saved });
    this.invalidMessage = this.form.getByText(text.invalid, { exact: true });
    this.pipelinesUnavailable = page.getByText(text.pipelinesUnavailable);
    this.error = new ErrorExplanation(page, this.text);
    this.appliesToNew = page.getByText(text.appliesToNew, { exact: true });
    this.currentDestination = page.getByTestId("current-destination");
    this.utmFields = page.getByTestId("utm-fields");
  }

  async goto() {
    await this.page.goto("/settings/leads");
    await expect(this.heading).toBeVisible();
  }

  /** The option names a select offers, placeholder ("Choose…") left out. */
  async optionNames(select: Locator): Promise<string[]> {
    const names = await select.locator("option").allTextContents();
    return names.filter((name) => name !== this.text.leadSettings.form.choose);
  }

  /** Fills what is given, saves, and waits until the page says it saved. */
  async save({ destination, nameTemplate, tags }: { destination?: "unsorted" | { pipeline: string; stage: string }; nameTemplate?: string; tags?: string }) {
    if (destination === "unsorted") await this.unsorted.check();
    else if (destination) {
      await this.pipeline.check();
      await this.pipelineSelect.selectOption({ label: destination.pipeline });
      await this.stageSelect.selectOption({ label: destination.stage });
    }
    if (nameTemplate !== undefined) await this.nameTemplate.fill(nameTemplate);
    if (tags !== undefined) await this.tags.fill(tags);
    await this.saveButton.click();
    await expect(this.savedMessage).toBeVisible();
  }

  /** A field's error message in this page's language, with its values filled in. */
  errorText(key: keyof UiText["leadSettings"]["errors"], values: Record<string, string> = {}): string {
    return fill(this.text.leadSettings.errors[key], values);
  }
}
