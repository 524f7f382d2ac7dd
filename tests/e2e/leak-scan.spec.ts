import { createHmac } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ALL_ERROR_CODES } from "../../lib/error-codes";
import { AlertsPage, e2e, expect, fake, LoginPage, responsesCapturePath, test, useEnglish } from "../fixtures";

/**
 * Runs last, as the `leak-scan` project that depends on the main one (playwright.config.ts): exercises every page
 * and API as an admin and as an anonymous visitor, error paths included, then searches everything the server ever
 * said or stored for the secrets planted in this run.
 */
test.describe.configure({ mode: "serial" });

const PAGES = ["/login", "/setup?token=nope", "/guide", "/guide/troubleshooting", "/connect", "/status", "/status?connected=1", "/settings/api-keys", "/settings/alerts"];

/** The alert webhook's signing secret of this run, and the requests signed with it (the positive control). */
const alerts = { webhookSecret: "", signedRequests: 0 };

/** A request's answer, appended to the same capture the browser pages go to. */
async function capture(response: { status(): number; url(): string; headers(): Record<string, string>; text(): Promise<string> }) {
  const path = new URL(response.url()).pathname;
  fs.appendFileSync(responsesCapturePath(), `${response.status()} ${path}\n${JSON.stringify(response.headers())}\n${await response.text().catch(() => "")}\n\n`);
}

test("exercise every page and API, anonymous and as admin, including error paths", async ({ page, request, loginPage, connectPage, consentPage, statusPage }) => {
  // Every page and every error code's explanation, one load each: room for a loaded machine.
  test.slow();
  await useEnglish(page);
  for (const route of [...PAGES, "/api/health", "/api/amocrm/status"]) await capture(await request.get(route, { maxRedirects: 0 }));
  for (const route of ["/api/amocrm/test", "/api/amocrm/refresh", "/api/amocrm/disconnect"]) {
    await capture(await request.post(route, { headers: { Origin: e2e.appUrl }, data: {} }));
  }
  await capture(await request.get("/api/amocrm/disconnect-hook?client_uuid=x&account_id=1&signature=00", { maxRedirects: 0 }));
  await capture(await request.get(`/api/amocrm/callback?code=def50200abcdef&state=x&referer=acoustic.amocrm.ru`, { maxRedirects: 0 }));

  await loginPage.signIn();
  for (const route of PAGES) await page.goto(route);
  for (const code of ALL_ERROR_CODES) await statusPage.goto(`?error=${code}`);
  await page.goto("/connect?error=not_configured");

  // A full round trip, tests, refreshes and failures, so the fake has issued codes and several token pairs.
  await connectPage.saveCredentials({ accountDomain: "acoustic" });
  await consentPage.authorize("Allow");
  await expect(statusPage.connectionState).toHaveText("Connected");
  const post = (route: string, data: unknown = {}) => page.request.post(route, { headers: { Origin: e2e.appUrl }, data });
  await capture(await post("/api/amocrm/test"));
  await capture(await post("/api/amocrm/refresh"));
  await fake.call(request, "expire-access-tokens");
  await capture(await post("/api/amocrm/test"));
  await fake.call(request, "fault", { target: "refresh", hint: "Token has been revoked", status: 401 });
  await capture(await post("/api/amocrm/refresh"));
  await capture(await post("/api/amocrm/disconnect", { forgetCredentials: "yes" }));
  await capture(await post("/api/amocrm/disconnect", { unexpected: true }));
  await capture(await page.request.get("/api/amocrm/status"));
  await statusPage.goto();
  await consentPage.authorize("Deny");
  await connectPage.saveCredentials({ accountDomain: "acoustic" });
  await consentPage.authorize("Allow");
  await capture(await post("/api/amocrm/disconnect"));
  await statusPage.goto();
});

test("exercise the alert channels: webhook, Telegram and email, test alerts included", async ({ browser, page, loginPage }) => {
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const timestamp = String(request.headers["x-amocrm-connect-timestamp"]);
      const expected = `sha256=${createHmac("sha256", alerts.webhookSecret).update(`${timestamp}.${Buffer.concat(chunks).toString("utf8")}`).digest("hex")}`;
      if (request.headers["x-amocrm-connect-signature"] === expected) alerts.signedRequests += 1;
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    // The one answer that shows the secret is its reason to exist: it goes to a browser whose responses are not
    // captured. Everything after it is captured and must not contain the secret.
    const quietContext = await browser.newContext();
    const quiet = await quietContext.newPage();
    await useEnglish(quiet);
    await new LoginPage(quiet).signIn();
    const quietAlerts = new AlertsPage(quiet);
    await quietAlerts.goto();
    alerts.webhookSecret = await quietAlerts.saveWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
    await quietContext.close();

    await useEnglish(page);
    await loginPage.signIn();
    const alertsPage = new AlertsPage(page);
    await alertsPage.goto();
    await alertsPage.testButton("webhook").click();
    await expect(alertsPage.testResult("webhook")).toHaveText("Test alert sent.");
    await alertsPage.telegramLinkButton.click();
    await expect(alertsPage.telegramLink).toBeVisible();
    await alertsPage.saveRecipients("ops@example.uz");
    await expect(page.getByText("Recipients saved.", { exact: true })).toBeVisible();
    await page.reload();
    await alertsPage.testButton("email").click();
    await expect(alertsPage.testResult("email")).toHaveText("Test alert sent.");
    await alertsPage.webhookUrl.fill("ftp://example.com/");
    await alertsPage.saveWebhookButton.click();
    await expect(alertsPage.webhookForm.getByText("http or https", { exact: false })).toBeVisible();
    await page.goto("/status");
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});

test("no planted secret appears in any response, header, log line or database byte", async ({ request }) => {
  const state = await fake.state(request);
  const planted: Record<string, string[]> = {
    "client secret": [e2e.clientSecret, state.issued.clientSecret],
    "authorization codes": state.issued.codes,
    "access tokens": state.issued.accessTokens,
    "refresh tokens": state.issued.refreshTokens,
    AUTH_SECRET: [e2e.authSecret],
    ENCRYPTION_KEY: [e2e.encryptionKey],
    "admin password": [e2e.adminPassword],
    "Telegram bot token": [e2e.telegramBotToken],
    "SMTP password": [e2e.smtpPassword],
    "alert webhook signing secret": [alerts.webhookSecret],
  };
  // The secret was made and used: a request signed with it reached the receiver.
  expect(alerts.webhookSecret).toMatch(/^whsec_/);
  expect(alerts.signedRequests).toBeGreaterThanOrEqual(1);
  expect(state.issued.codes.length).toBeGreaterThanOrEqual(2);
  expect(state.issued.refreshTokens.length).toBeGreaterThanOrEqual(3);

  const places: Record<string, Buffer> = {
    "browser and API responses": fs.readFileSync(responsesCapturePath()),
    "server stdout and stderr": fs.readFileSync(e2e.serverLog),
  };
  for (const suffix of ["", "-wal", "-shm"]) {
    const file = `${e2e.databasePath}${suffix}`;
    if (fs.existsSync(file)) places[`database file app.db${suffix}`] = fs.readFileSync(file);
  }
  expect(Object.keys(places).length).toBeGreaterThanOrEqual(4);

  // Whole values, and a middle slice of the long ones, so a prefix or suffix printed alone is caught too.
  const needles = (value: string) =>
    value.length > 48 ? [value, value.slice(value.length / 2 - 12, value.length / 2 + 12)] : [value];

  // Positive control: the search finds what is meant to be there, in each kind of place.
  expect(places["browser and API responses"]!.includes(e2e.clientId)).toBe(true);
  expect(places["server stdout and stderr"]!.includes("[amocrm] connected to acoustic.amocrm.ru")).toBe(true);
  const database = Buffer.concat(Object.entries(places).filter(([name]) => name.startsWith("database")).map(([, bytes]) => bytes));
  expect(database.includes(e2e.adminEmail)).toBe(true);

  const hits: string[] = [];
  let searched = 0;
  for (const [kind, values] of Object.entries(planted)) {
    for (const value of values.filter(Boolean)) {
      for (const needle of needles(value)) {
        for (const [place, bytes] of Object.entries(places)) {
          searched += 1;
          if (bytes.includes(needle)) hits.push(`${kind} found in ${place}`);
        }
      }
    }
  }
  // Website leads' personal data (posted by leads-api.spec.ts) belongs on the admin's /leads page, so it is not
  // searched for in responses; it must never reach a log line, nor the database unencrypted.
  const personal = ["Ali Valiyev", "+998901234567", "ali@example.uz", "Eshitish apparati haqida maslahat kerak"];
  const quiet = Object.entries(places).filter(([place]) => place !== "browser and API responses");
  for (const value of personal) {
    for (const [place, bytes] of quiet) {
      searched += 1;
      if (bytes.includes(value)) hits.push(`lead personal data found in ${place}`);
    }
  }
  console.log(`leak scan: ${Object.values(planted).flat().length + personal.length} planted values, ${Object.keys(places).length} places, ${searched} searches`);
  expect(hits).toEqual([]);
});
