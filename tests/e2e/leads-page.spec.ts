import { randomBytes } from "node:crypto";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { e2e, expect, fake, test, useEnglish } from "../fixtures";
import { LeadsPage } from "../pages/leads-page";
import { createSiteKey, postLead } from "../site-leads";

// /leads as the admin uses it: leads the website posted, their fate in amoCRM (the fake), Retry, the filter, paging,
// the CSV download and the 30-day chart. One shared server and fake, so every lead carries this run's tag.
test.describe.configure({ mode: "serial" });

const TAG = randomBytes(3).toString("hex");
// The e2e server sets no APP_TIME_ZONE: the default.
const TIME_ZONE = "Asia/Tashkent";
/** A lead's link into the connected fake account, as amoCRM shapes it. */
const AMOCRM_LEAD_URL = /^https:\/\/acoustic\.amocrm\.ru\/leads\/detail\/(\d+)$/;

let key = "";
let bulkKey = "";

async function connectionState(page: Page): Promise<string> {
  return ((await (await page.request.get("/api/amocrm/status")).json()) as { state: string }).state;
}

async function fakeLeads(request: APIRequestContext): Promise<Array<{ id: number; request_ids: string[] }>> {
  return ((await (await request.get(`${e2e.fakeUrl}/__control/leads`)).json()) as { leads: Array<{ id: number; request_ids: string[] }> }).leads;
}

async function refuseLeadsContaining(request: APIRequestContext, needles: string[]) {
  await fake.call(request, "config", { refuseLeadsContaining: needles });
}

test.beforeAll(() => {
  // The per-key rate limit (120 a minute) is left as it is: the paging test's 60 leads get a key of their own.
  key = createSiteKey(`leads page ${TAG}`);
  bulkKey = createSiteKey(`leads page bulk ${TAG}`);
});

test.afterAll(async ({ request }) => {
  await refuseLeadsContaining(request, []);
  await fake.call(request, "clear-faults");
});

test.beforeEach(async ({ page, loginPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
});

test("leads posted by the website show newest first with their status, then as sent with a link into amoCRM", async ({ page, request, connectPage, consentPage }) => {
  const leads = new LeadsPage(page);
  // Not connected: the leads wait.
  if (!["not_configured", "configured"].includes(await connectionState(page))) {
    expect((await page.request.post("/api/amocrm/disconnect", { headers: { Origin: e2e.appUrl }, data: {} })).status()).toBe(200);
  }
  const names = [`First ${TAG}`, `Second ${TAG}`, `Third ${TAG}`];
  const ids: string[] = [];
  for (const [index, name] of names.entries()) {
    ids.push(await postLead(request, key, { name, phone: `90 123-45-6${index}`, email: `lead${index}.${TAG}@example.uz`, source: "contact-form" }));
  }

  await leads.goto();
  expect((await leads.names()).slice(0, 3)).toEqual([...names].reverse());
  const third = leads.row(names[2]!);
  await expect(leads.cell(third, "status")).toHaveText(/^(Queued|Held)$/);
  await expect(leads.cell(third, "contact")).toContainText("+998901234562");
  await expect(leads.cell(third, "contact")).toContainText(`lead2.${TAG}@example.uz`);
  await expect(leads.cell(third, "source")).toHaveText("contact-form");
  await expect(leads.cell(third, "amocrm")).toHaveText("Not yet");

  await connectPage.saveCredentials();
  await consentPage.authorize("Allow");
  await leads.goto();
  for (const name of names) await leads.waitForStatus(name, "sent");

  const created = await fakeLeads(request);
  for (const [index, name] of names.entries()) {
    const row = leads.row(name);
    const href = await leads.amocrmLink(row).getAttribute("href");
    const amocrmId = Number(AMOCRM_LEAD_URL.exec(href ?? "")?.[1]);
    expect(href).toMatch(AMOCRM_LEAD_URL);
    // The link opens the very lead amoCRM created for this one.
    expect(created.find((lead) => lead.id === amocrmId)?.request_ids).toContain(ids[index]);
    await expect(leads.cell(row, "amocrm")).toContainText("Sent ");
    await expect(leads.cell(row, "lastError")).toHaveText("");
    await expect(leads.retryButton(row)).toHaveCount(0);
  }
});

test("a lead amoCRM refuses is dead with amoCRM's reason; Retry sends it once amoCRM accepts it", async ({ page, request }) => {
  const leads = new LeadsPage(page);
  const needle = `refuse-${TAG}-one`;
  const name = `Refused ${needle}`;
  await refuseLeadsContaining(request, [needle]);
  await postLead(request, key, { name, phone: "+998 90 000-00-01" });

  await leads.goto();
  await leads.waitForStatus(name, "dead");
  const row = leads.row(name);
  await expect(leads.cell(row, "lastError")).toContainText("amoCRM refused this lead's data (400)");
  await expect(leads.cell(row, "lastError")).toContainText(/amoCRM said: .*not a valid choice/);
  await expect(leads.cell(row, "attempts")).toHaveText("1");
  await expect(leads.cell(row, "amocrm")).toHaveText("Not yet");

  await refuseLeadsContaining(request, []);
  await leads.retryButton(row).click();
  await expect(leads.notice).toHaveText("1 lead will be sent to amoCRM again.");
  await leads.waitForStatus(name, "sent");
  await expect(leads.amocrmLink(leads.row(name))).toHaveAttribute("href", AMOCRM_LEAD_URL);
});

test("Retry all sends every dead lead again, and the filter stays as it was", async ({ page, request }) => {
  const leads = new LeadsPage(page);
  const needle = `refuse-${TAG}-all`;
  const names = [`Dead A ${needle}`, `Dead B ${needle}`];
  await refuseLeadsContaining(request, [needle]);
  for (const name of names) await postLead(request, key, { name, email: `dead.${TAG}@example.uz` });

  await leads.goto("?status=dead");
  for (const name of names) await leads.waitForStatus(name, "dead");
  await expect(leads.filterLink("dead")).toHaveAttribute("aria-current", "page");

  await refuseLeadsContaining(request, []);
  await leads.retryAllButton.click();
  await expect(leads.notice).toHaveText(/^\d+ leads? will be sent to amoCRM again\.$/);
  await expect(page).toHaveURL(/\/leads\?status=dead&retried=\d+$/);

  await leads.goto();
  for (const name of names) await leads.waitForStatus(name, "sent");
  await leads.goto("?status=dead");
  await expect(leads.retryAllButton).toHaveCount(0);
});

test("the status filter shows one status only, in a URL that can be shared", async ({ page }) => {
  const leads = new LeadsPage(page);
  await leads.goto();
  await expect(leads.filterLink()).toHaveAttribute("aria-current", "page");
  await leads.filterLink("sent").click();
  await expect(page).toHaveURL(/\/leads\?status=sent$/);
  await expect(leads.filterLink("sent")).toHaveAttribute("aria-current", "page");
  await expect(leads.row(`First ${TAG}`)).toHaveCount(1);
  const statuses = await leads.rows.evaluateAll((rows) => rows.map((row) => row.querySelectorAll("td")[1]?.textContent?.trim()));
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(["Sent"]));

  // Opened from the URL alone, as a shared link is.
  await leads.goto("?status=held");
  await expect(leads.filterLink("held")).toHaveAttribute("aria-current", "page");
  await expect(leads.emptyMessage).toHaveText("No leads with this status.");
  // An unknown status is all leads, not an error.
  await leads.goto("?status=nonsense");
  await expect(leads.filterLink()).toHaveAttribute("aria-current", "page");
});

test("the chart's table counts today's leads received and delivered", async ({ page, request }) => {
  const leads = new LeadsPage(page);
  const today = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: TIME_ZONE }).format(new Date());
  await leads.goto();
  await expect(leads.chart).toBeVisible();
  await expect(leads.chart).toHaveAccessibleDescription(/received, .* delivered to amoCRM, .* dead in the last 30 days\./);
  const before = await leads.chartDay(today);

  const names = [`Chart A ${TAG}`, `Chart B ${TAG}`];
  for (const name of names) await postLead(request, key, { name, phone: "+998 90 555-00-00" });
  for (const name of names) await leads.waitForStatus(name, "sent");

  expect(await leads.chartDay(today)).toEqual({ received: before.received + 2, sent: before.sent + 2, dead: before.dead });
});

test("the CSV download holds the filtered list: a header row, one row per lead, quoted and safe from formulas", async ({ page, request }) => {
  const leads = new LeadsPage(page);
  const formula = `=HYPERLINK("http://evil.example","${TAG}")`;
  const cyrillic = `Алишер Ўзбеков ${TAG}`;
  await postLead(request, key, { name: formula, phone: "+998 90 111-22-33", message: `Salom, "narx" qancha?\nIkkinchi qator ${TAG}` });
  await postLead(request, key, { name: cyrillic, email: `csv.${TAG}@example.uz`, source: "@campaign" });
  await leads.goto();
  await leads.waitForStatus(cyrillic, "sent");

  const { download, bytes } = await leads.download();
  expect(download.suggestedFilename()).toMatch(/^leads-all-\d{4}-\d{2}-\d{2}\.csv$/);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString("utf8");
  const [header] = text.split("\r\n");
  expect(header).toBe(
    `Lead ID,Received (${TIME_ZONE}),Status,Name,Phone,Email,Message,Source,Page,utm_source,utm_medium,utm_campaign,utm_content,utm_term,` +
      `Attempts,Error code,Last error,amoCRM's reason,amoCRM lead ID,Link in amoCRM,Sent (${TIME_ZONE})`,
  );
  // The formula is text, its quotes doubled; the phone cannot run either; the message keeps its comma, quotes and line.
  expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""${TAG}"")",'+998901112233,,"Salom, ""narx"" qancha?\nIkkinchi qator ${TAG}",`);
  const cyrillicRow = text.split("\r\n").find((line) => line.includes(cyrillic));
  expect(cyrillicRow).toMatch(new RegExp(`^[0-9a-f-]{36},\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},Sent,${cyrillic},,csv\\.${TAG}@example\\.uz,,'@campaign,`));
  expect(cyrillicRow).toMatch(/,1,,,,\d+,https:\/\/acoustic\.amocrm\.ru\/leads\/detail\/\d+,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  // Every lead, newest first: as many rows as the "All" filter counts.
  const all = Number((await leads.filterLink().textContent())?.replace(/\D/g, ""));
  expect(text.split("\r\n").filter(Boolean)).toHaveLength(all + 1);

  // The filter carries over; without a session there is no file.
  const held = await page.request.get("/leads/export?status=held");
  expect(held.headers()["content-disposition"]).toBe(`attachment; filename="leads-held-${download.suggestedFilename().slice(10)}"`);
  expect((await held.text()).split("\r\n").filter(Boolean)).toHaveLength(1);
  const anonymous = await request.get("/leads/export", { maxRedirects: 0 });
  expect(anonymous.status()).not.toBe(200);
  expect(anonymous.headers()["content-type"] ?? "").not.toContain("text/csv");
});

test("paging: Older continues exactly where the page ended, newest first, with no lead twice", async ({ page, request }) => {
  const leads = new LeadsPage(page);
  const names = Array.from({ length: 60 }, (_, index) => `Page ${TAG} ${String(index + 1).padStart(2, "0")}`);
  for (const name of names) await postLead(request, bulkKey, { name, phone: "+998 90 777-00-00" });

  await leads.goto();
  await expect(leads.rows).toHaveCount(50);
  const first = await leads.names();
  await expect(leads.newestLink).toHaveCount(0);
  await leads.olderLink.click();
  await expect(page).toHaveURL(/\/leads\?before=\d+_[0-9a-f-]{36}$/);
  await expect(leads.newestLink).toBeVisible();
  const second = await leads.names();

  // The 60 newest leads are this test's: 50 on the first page, the other 10 at the top of the second.
  expect(first).toEqual(names.slice(10).reverse());
  expect(second.slice(0, 10)).toEqual(names.slice(0, 10).reverse());
  expect(second.filter((name) => first.includes(name))).toEqual([]);
  const times = [...(await leads.receivedTimes())];
  expect(times).toEqual([...times].sort().reverse());

  // A hand-edited cursor shows the newest page instead of failing.
  await leads.goto("?before=garbage");
  expect(await leads.names()).toEqual(first);
  await expect(leads.newestLink).toHaveCount(0);
  // Leave the worker idle for the specs that count amoCRM calls.
  await leads.waitUntilDelivered();
});

test("/leads with leads in it has no serious accessibility violations, the chart's table open", async ({ page }) => {
  const leads = new LeadsPage(page);
  await leads.goto();
  await leads.chartTableToggle.click();
  await expect(leads.chartTable).toBeVisible();
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);
  // For a person to look at: the run's screenshots, next to the guide's.
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(e2e.runDir, "screenshots", `leads-${width}.png`), fullPage: true });
  }
});
