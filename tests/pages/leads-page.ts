import { expect, type Download, type Locator, type Page } from "@playwright/test";
import type { LeadStatus } from "../../lib/leads/delivery-outcome";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";
import { escapeRegExp, fill } from "./text";

const COLUMNS = ["received", "status", "name", "contact", "source", "attempts", "lastError", "amocrm", "actions"] as const;
export type LeadColumn = (typeof COLUMNS)[number];

/**
 * /leads: the lead log (a table, newest first), its status filter, Retry and Retry all, the Older link, the CSV
 * download and the 30-day chart with its table.
 */
export class LeadsPage extends AdminShell {
  readonly heading: Locator;
  readonly filterNav: Locator;
  readonly table: Locator;
  /** The lead rows of the table (not its header). */
  readonly rows: Locator;
  readonly emptyMessage: Locator;
  readonly olderLink: Locator;
  readonly newestLink: Locator;
  readonly retryAllButton: Locator;
  readonly exportLink: Locator;
  /** The announcement after a Retry or Retry all. */
  readonly notice: Locator;
  readonly chart: Locator;
  readonly chartTableToggle: Locator;
  readonly chartTable: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    const text = this.text.leadsPage;
    this.heading = page.getByRole("heading", { level: 1, name: text.title, exact: true });
    this.filterNav = page.getByRole("navigation", { name: text.filter.label, exact: true });
    // The only table with an Attempts column; its caption names it after the filter.
    this.table = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: text.table.attempts, exact: true }) });
    this.rows = this.table.getByRole("row").filter({ has: page.getByRole("cell") });
    this.emptyMessage = page.getByText(new RegExp(`^(${escapeRegExp(text.empty)}|${escapeRegExp(text.emptyFiltered)})$`));
    const paging = page.getByRole("navigation", { name: text.paging.label, exact: true });
    this.olderLink = paging.getByRole("link", { name: text.paging.older, exact: true });
    this.newestLink = paging.getByRole("link", { name: text.paging.newest, exact: true });
    this.retryAllButton = page.getByRole("button", { name: new RegExp(`^${escapeRegExp(text.actions.retryAll).replace("\\{count, number\\}", "[\\d,. ]+")}$`) });
    this.exportLink = page.getByRole("link", { name: text.actions.export, exact: true });
    this.notice = page.getByRole("status");
    this.chart = page.getByRole("img", { name: text.chart.label, exact: true });
    this.chartTableToggle = page.getByText(text.chart.showTable, { exact: true });
    this.chartTable = page.getByRole("table", { name: new RegExp(`^${escapeRegExp(fill(text.chart.tableCaption, { timeZone: "\u0000" })).replace("\u0000", ".+")}$`) });
  }

  /** `query` such as `?status=dead`. */
  async goto(query = "") {
    await this.page.goto(`/leads${query}`);
    await expect(this.heading).toBeVisible();
  }

  /** The filter link of a status, or of all leads; its name carries the count, e.g. "Dead (2)". */
  filterLink(status?: LeadStatus): Locator {
    const label = status ? this.text.leadsPage.statuses[status] : this.text.leadsPage.filter.all;
    return this.filterNav.getByRole("link", { name: new RegExp(`^${escapeRegExp(label)} \\([\\d,. ]+\\)$`) });
  }

  statusLabel(status: LeadStatus): string {
    return this.text.leadsPage.statuses[status];
  }

  /** The row of the lead whose name (or other text) is `text`. */
  row(text: string): Locator {
    return this.rows.filter({ hasText: text });
  }

  cell(row: Locator, column: LeadColumn): Locator {
    return row.getByRole("cell").nth(COLUMNS.indexOf(column));
  }

  retryButton(row: Locator): Locator {
    return row.getByRole("button", { name: this.text.leadsPage.actions.retry, exact: true });
  }

  amocrmLink(row: Locator): Locator {
    return row.getByRole("link", { name: new RegExp(`^${escapeRegExp(this.text.leadsPage.amocrmLink).replace("\\{id\\}", "\\d+")}$`) });
  }

  /** The names shown in the table, top to bottom. */
  async names(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((row) => row.querySelectorAll("td")[2]?.textContent?.trim() ?? ""));
  }

  /** When each shown lead was received (ISO), top to bottom, from the cells' machine-readable times. */
  async receivedTimes(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((row) => row.querySelector("td time")?.getAttribute("datetime") ?? ""));
  }

  /** Reloads until the lead's row shows `status`: the delivery worker runs in the background. */
  async waitForStatus(name: string, status: LeadStatus, { timeout = 30_000 } = {}) {
    await expect(async () => {
      await this.page.reload();
      await expect(this.cell(this.row(name), "status")).toHaveText(this.statusLabel(status), { timeout: 500 });
    }).toPass({ timeout });
  }

  /** Reloads until nothing waits for delivery: no lead queued, sending or held. */
  async waitUntilDelivered({ timeout = 60_000 } = {}) {
    await expect(async () => {
      await this.page.reload();
      for (const status of ["queued", "sending", "held"] as const) await expect(this.filterLink(status)).toHaveText(/\(0\)$/, { timeout: 500 });
    }).toPass({ timeout });
  }

  /** The chart table's numbers for one day, by the day's label as the page shows it. */
  async chartDay(label: string): Promise<{ received: number; sent: number; dead: number }> {
    if (!(await this.chartTable.isVisible())) await this.chartTableToggle.click();
    const row = this.chartTable.getByRole("row").filter({ has: this.page.getByRole("rowheader", { name: label, exact: true }) });
    const cells = await row.getByRole("cell").allTextContents();
    const [received, sent, dead] = cells.map((value) => Number(value.replace(/\D/g, "")));
    return { received: received!, sent: sent!, dead: dead! };
  }

  async download(): Promise<{ download: Download; bytes: Buffer }> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.exportLink.click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { download, bytes: Buffer.concat(chunks) };
  }
}
