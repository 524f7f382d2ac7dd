import type { Locator, Page } from "@playwright/test";
import type { Locale } from "../../lib/i18n/locales";
import { AdminShell } from "./admin-shell";
import { ErrorExplanation } from "./error-explanation";
import { escapeRegExp } from "./text";

/** /status: the connection's state, its details, the actions and the recent events. */
export class StatusPage extends AdminShell {
  /** Plain text spans and lists with no accessible name of their own, so they carry test ids. */
  readonly connectionState: Locator;
  readonly accountName: Locator;
  readonly accessExpires: Locator;
  readonly events: Locator;
  readonly actionResult: Locator;

  readonly error: ErrorExplanation;
  readonly testButton: Locator;
  readonly refreshButton: Locator;
  readonly disconnectButton: Locator;
  readonly reauthorizeLink: Locator;

  /** The lead delivery card: why deliveries are held, when they are. */
  readonly deliveryHold: Locator;
  readonly lastDelivery: Locator;

  readonly disconnectDialog: Locator;
  readonly cancelDisconnect: Locator;
  readonly confirmDisconnect: Locator;

  constructor(page: Page, locale: Locale = "en") {
    super(page, locale);
    const text = this.text.status;
    this.connectionState = page.getByTestId("connection-state");
    this.accountName = page.getByTestId("account-name");
    this.accessExpires = page.getByTestId("access-expires");
    this.events = page.getByTestId("events");
    this.actionResult = page.getByTestId("action-result");

    this.error = new ErrorExplanation(page, this.text);
    this.testButton = page.getByRole("button", { name: text.actions.test, exact: true });
    this.refreshButton = page.getByRole("button", { name: text.actions.refresh, exact: true });
    this.disconnectButton = page.getByRole("button", { name: text.actions.disconnect, exact: true });
    this.reauthorizeLink = page.getByRole("link", { name: text.actions.reauthorize, exact: true });

    this.deliveryHold = page.getByRole("alert").filter({ has: page.getByRole("link", { name: text.delivery.whatToDo, exact: true }) });
    this.lastDelivery = page.getByTestId("last-delivery");

    this.disconnectDialog = page.getByRole("dialog", { name: text.actions.disconnectConfirmTitle, exact: true });
    this.cancelDisconnect = this.disconnectDialog.getByRole("button", { name: text.actions.cancel, exact: true });
    this.confirmDisconnect = this.disconnectDialog.getByRole("button", { name: text.actions.disconnectConfirm, exact: true });
  }

  /** The delivery card's link to the leads of one status; its name is the status and the count ("Held 1"). */
  deliveryLink(status: "queued" | "held" | "dead"): Locator {
    return this.page.getByRole("link", { name: new RegExp(`^${escapeRegExp(this.text.status.delivery[status])} \\d`) });
  }

  /** The count a delivery link shows. */
  async deliveryCount(status: "queued" | "held" | "dead"): Promise<number> {
    const name = (await this.deliveryLink(status).textContent()) ?? "";
    return Number(name.replace(/\D/g, ""));
  }

  /** `query` such as `?error=revoked`, to open the page the way the callback sends the admin there. */
  async goto(query = "") {
    await this.page.goto(`/status${query}`);
  }
}
