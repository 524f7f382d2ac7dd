import Database from "better-sqlite3";
import type { APIRequestContext, Page } from "@playwright/test";
import { SAMPLE_LEAD } from "../../lib/leads/settings-form";
import { e2e, expect, fake, LeadSettingsPage, test, useEnglish, useLocale } from "../fixtures";
import { createSiteKey, leadStatus, postLead, receivedLeads, waitForReceived } from "../site-leads";

// Where website leads go (/settings/leads) and the delivery card on /status, end to end against the fake amoCRM:
// the admin's choices in the browser, a lead posted as the website does, what amoCRM received. One story, in order.
test.describe.configure({ mode: "serial" });

const VORONKA = { id: 7012345, unsortedStage: 61000001 };
const SAYT = { id: 7012346, name: "Сайт", stages: ["Новая заявка", "В работе"], inWork: 61000012 };

let siteKey = "";
/** The lead that reached amoCRM in the chosen pipeline, to check later that a settings change leaves it there. */
/** The lead posted while disconnected. */
let heldLeadId = "";
let pipelineLead = { id: "", amocrmId: 0 };

async function connectionState(page: Page): Promise<string> {
  return ((await (await page.request.get("/api/amocrm/status")).json()) as { state: string }).state;
}

async function waitForStatus(request: APIRequestContext, id: string, status: string) {
  await expect.poll(() => leadStatus(request, siteKey, id), { message: `lead ${id} becomes ${status}`, timeout: 20_000 }).toBe(status);
}

test.beforeAll(async ({ request }) => {
  await fake.call(request, "reset", { initial: true });
  await fake.call(request, "leads/reset");
  siteKey = createSiteKey("lead-settings e2e");
});

/** The account's UTM fields before this file changed them. */
let initialUtmFields: string[] = [];

// Only the UTM list goes back: a full reset would forget the tokens the next files' connection uses.
test.afterAll(async ({ request }) => {
  if (initialUtmFields.length > 0) await fake.call(request, "config", { leadUtmFields: initialUtmFields });
});

test.beforeEach(async ({ page, loginPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
});

test("before connecting, the page explains that pipelines need a connection, still saves Incoming leads, and /status shows the held lead", async ({
  page,
  request,
  leadSettingsPage,
  statusPage,
}) => {
  if ((await connectionState(page)) !== "not_configured") {
    const disconnected = await page.request.post("/api/amocrm/disconnect", { headers: { Origin: e2e.appUrl }, data: {} });
    expect(disconnected.status()).toBe(200);
  }
  await leadSettingsPage.goto();
  await expect(leadSettingsPage.appliesToNew).toBeVisible();
  await expect(leadSettingsPage.pipelinesUnavailable).toBeVisible();
  await expect(leadSettingsPage.error.alert).toHaveAttribute("data-error-code", /^not_(connected|configured)$/);
  await expect(leadSettingsPage.pipeline).toBeDisabled();
  await expect(leadSettingsPage.unsorted).toBeChecked();

  await leadSettingsPage.save({ destination: "unsorted", tags: " website , offline, Website " });
  await page.reload();
  await expect(leadSettingsPage.tags).toHaveValue("website, offline");
  await expect(leadSettingsPage.currentDestination).toHaveText(/Incoming leads/);

  // A lead the website sends meanwhile is accepted and waits as held; /status counts it and says why.
  const id = await postLead(request, siteKey, { name: "Held Visitor", phone: "+998 90 111-22-33", source: "contact-form" });
  await waitForStatus(request, id, "held");
  heldLeadId = id;
  await statusPage.goto();
  await expect(statusPage.deliveryLink("held")).toHaveAttribute("href", "/leads?status=held");
  expect(await statusPage.deliveryCount("held")).toBeGreaterThanOrEqual(1);
  await expect(statusPage.deliveryHold).toContainText("held because the amoCRM connection cannot be used");
  await expect(statusPage.deliveryLink("queued")).toHaveAttribute("href", "/leads?status=queued");
  await expect(statusPage.deliveryLink("dead")).toHaveAttribute("href", "/leads?status=dead");
  // Earlier files may already have delivered leads on this shared server: the card must say what the database says.
  const db = new Database(e2e.databasePath, { readonly: true });
  const delivered = db.prepare("SELECT last_delivered_at AS at FROM delivery_state WHERE id = 1").get() as { at: number | null } | undefined;
  db.close();
  if (delivered?.at) await expect(statusPage.lastDelivery).toHaveText(/\d{4}/);
  else await expect(statusPage.lastDelivery).toHaveText("never");
});

test("after connecting, the held lead goes to Incoming leads with the saved tags, and the lists show the account's pipelines", async ({
  page,
  request,
  connectPage,
  consentPage,
  leadSettingsPage,
  statusPage,
}) => {
  await connectPage.saveCredentials();
  await consentPage.authorize("Allow");
  await expect(statusPage.connectionState).toHaveText("Connected");

  const held = await waitForReceived(request, heldLeadId);
  expect(held.unsorted).toBe(true);
  expect(held.tags.map((tag) => tag.name)).toEqual(["website", "offline"]);
  await page.reload();
  await expect(statusPage.deliveryHold).toHaveCount(0);
  await expect(statusPage.lastDelivery).not.toHaveText("never");

  // The account drops some UTM fields: the page reads the list live and hands it to the worker at once, which
  // would otherwise keep sending UTM_MEDIUM from its hourly copy and have the lead refused.
  initialUtmFields = (await fake.call<{ config: { leadUtmFields: string[] } }>(request, "config", {})).config.leadUtmFields;
  await fake.call(request, "config", { leadUtmFields: ["UTM_SOURCE", "UTM_CAMPAIGN"] });
  await leadSettingsPage.goto();
  await expect(leadSettingsPage.utmFields).toHaveText("This account has: UTM_SOURCE, UTM_CAMPAIGN.");
  await expect(leadSettingsPage.pipelinesUnavailable).toHaveCount(0);
  await expect(leadSettingsPage.pipeline).toBeEnabled();
  await leadSettingsPage.pipeline.check();
  expect(await leadSettingsPage.optionNames(leadSettingsPage.pipelineSelect)).toEqual(["Воронка", SAYT.name]);
  await leadSettingsPage.pipelineSelect.selectOption({ label: SAYT.name });
  expect(await leadSettingsPage.optionNames(leadSettingsPage.stageSelect)).toEqual(SAYT.stages);
});

test("a pipeline, stage, template and tags chosen in the browser are what amoCRM receives", async ({ request, leadSettingsPage }) => {
  await leadSettingsPage.goto();
  await leadSettingsPage.nameTemplate.fill("Sayt: {name} ({phone})");
  await leadSettingsPage.previewButton.click();
  await expect(leadSettingsPage.preview).toHaveText(`Sayt: ${SAMPLE_LEAD.name} (${SAMPLE_LEAD.phone}) #${SAMPLE_LEAD.id}`);

  await leadSettingsPage.save({ destination: { pipeline: SAYT.name, stage: "В работе" }, tags: "website, sayt" });
  await leadSettingsPage.page.reload();
  await expect(leadSettingsPage.currentDestination).toHaveText(/«Сайт».*«В работе»/);
  await expect(leadSettingsPage.pipelineSelect).toHaveValue(String(SAYT.id));
  await expect(leadSettingsPage.stageSelect).toHaveValue(String(SAYT.inWork));
  await expect(leadSettingsPage.nameTemplate).toHaveValue("Sayt: {name} ({phone})");

  const id = await postLead(request, siteKey, { name: "Dilnoza Karimova", phone: "+998 90 123-45-67", source: "contact-form", utm: { source: "instagram", medium: "cpc" } });
  const lead = await waitForReceived(request, id);
  expect(lead.pipeline_id).toBe(SAYT.id);
  expect(lead.status_id).toBe(SAYT.inWork);
  expect(lead.unsorted).toBe(false);
  expect(lead.metadata).toBeNull();
  expect(lead.name).toBe(`Sayt: Dilnoza Karimova (+998901234567) #${id}`);
  expect(lead.tags.map((tag) => tag.name)).toEqual(["website", "sayt"]);
  expect(lead.custom_fields_values).toContainEqual(expect.objectContaining({ field_code: "UTM_SOURCE", values: [expect.objectContaining({ value: "instagram" })] }));
  expect(lead.custom_fields_values.map((field) => field.field_code)).not.toContain("UTM_MEDIUM");
  pipelineLead = { id, amocrmId: lead.id };
});

test("switching back to Incoming leads sends the next lead unsorted, and the lead already sent keeps its pipeline", async ({ request, leadSettingsPage }) => {
  expect(pipelineLead.id, "the previous test sent a lead to a pipeline").not.toBe("");
  await leadSettingsPage.goto();
  await leadSettingsPage.save({ destination: "unsorted", nameTemplate: "{name} — {source}", tags: "website" });

  const id = await postLead(request, siteKey, { name: "Jasur Toshmatov", email: "jasur@example.uz", source: "callback" });
  const lead = await waitForReceived(request, id);
  expect(lead.unsorted).toBe(true);
  expect(lead.metadata).not.toBeNull();
  expect(lead.pipeline_id).toBe(VORONKA.id);
  expect(lead.status_id).toBe(VORONKA.unsortedStage);
  expect(lead.name).toBe(`Jasur Toshmatov — callback #${id}`);
  expect(lead.tags.map((tag) => tag.name)).toEqual(["website"]);

  const [earlier, ...again] = await receivedLeads(request, pipelineLead.id);
  expect(again).toEqual([]);
  expect(earlier).toMatchObject({ id: pipelineLead.amocrmId, pipeline_id: SAYT.id, status_id: SAYT.inWork, unsorted: false });
  await waitForStatus(request, pipelineLead.id, "sent");
});

test("a bad template, bad tags and a missing stage are explained next to their fields in Uzbek, and nothing is saved", async ({ page }) => {
  await useLocale(page, "uz");
  const settings = new LeadSettingsPage(page, "uz");
  await settings.goto();
  await settings.expectLanguage("uz");
  await settings.nameTemplate.fill("{name} from {site} {city");
  const tooMany = Array.from({ length: 11 }, (_, index) => `tag${index}`).join(", ");
  await settings.tags.fill(tooMany);
  await settings.pipeline.check();
  await settings.pipelineSelect.selectOption({ label: SAYT.name });
  await settings.saveButton.click();

  await expect(settings.invalidMessage).toBeVisible();
  await expect(settings.nameTemplate).toHaveAccessibleErrorMessage(
    new RegExp(settings.errorText("templateUnknownPlaceholder", { names: "{site}", placeholders: "{name}, {source}, {phone}, {email}, {page}" }).replace(/[{}().]/g, "\\$&")),
  );
  await expect(settings.nameTemplate).toHaveAccessibleErrorMessage(new RegExp(settings.errorText("templateBraces", { example: "{name}" }).replace(/[{}().]/g, "\\$&")));
  await expect(settings.tags).toHaveAccessibleErrorMessage(settings.errorText("tagsTooMany", { max: "10", count: "11" }));
  await expect(settings.stageSelect).toHaveAccessibleErrorMessage(settings.errorText("stageRequired"));
  await expect(settings.pipelineSelect).not.toHaveAttribute("aria-invalid", "true");
  // What was typed stays for correcting.
  await expect(settings.nameTemplate).toHaveValue("{name} from {site} {city");
  await expect(settings.tags).toHaveValue(tooMany);

  const long = "y".repeat(51);
  await settings.tags.fill(`website, ${long}`);
  await settings.saveButton.click();
  await expect(settings.tags).toHaveAccessibleErrorMessage(settings.errorText("tagTooLong", { max: "50", tags: long }));

  await page.reload();
  await expect(settings.nameTemplate).toHaveValue("{name} — {source}");
  await expect(settings.tags).toHaveValue("website");
  await expect(settings.unsorted).toBeChecked();
});
