import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIRequestContext } from "@playwright/test";
import { e2e, expect, fake, test, useEnglish } from "../fixtures";

/**
 * /settings/alerts against the production server: a webhook receiver of this test's own on 127.0.0.1 (the e2e server
 * runs with ALERT_WEBHOOK_ALLOW_PRIVATE=1; without it loopback is refused, which tests/unit/alerts.test.ts proves),
 * and the fake Telegram Bot API the server's TELEGRAM_API_ORIGIN points at.
 */
test.describe.configure({ mode: "serial" });

interface Hook {
  server: Server;
  url: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: string }>;
  status: number;
}

async function startReceiver(): Promise<Hook> {
  const hook = { requests: [], status: 200 } as unknown as Hook;
  hook.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      hook.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(hook.status);
      response.end();
    });
  });
  await new Promise<void>((resolve) => hook.server.listen(0, "127.0.0.1", resolve));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/alerts`;
  return hook;
}

const telegram = {
  async messages(request: APIRequestContext): Promise<Array<{ chatId: string; text: string }>> {
    const response = await request.get(`${e2e.fakeTelegramUrl}/__control/messages`);
    return ((await response.json()) as { messages: Array<{ chatId: string; text: string }> }).messages;
  },
  async start(request: APIRequestContext, chatId: number, code: string) {
    const response = await request.post(`${e2e.fakeTelegramUrl}/__control/start`, { data: { chatId, code, firstName: "Dilnoza" } });
    expect(response.ok()).toBeTruthy();
  },
};

function verify(secret: string, entry: { headers: IncomingHttpHeaders; body: string }) {
  const timestamp = String(entry.headers["x-amocrm-connect-timestamp"]);
  expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
  expect(entry.headers["x-amocrm-connect-signature"]).toBe(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${entry.body}`).digest("hex")}`);
  return JSON.parse(entry.body) as Record<string, string | null>;
}

let hook: Hook;
let secret = "";

test.beforeAll(async () => {
  hook = await startReceiver();
});

test.afterAll(async () => {
  await new Promise((resolve) => hook.server.close(resolve));
});

test.beforeEach(async ({ page, loginPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
});

test("a webhook URL is refused with a clear message when it is empty or not http(s)", async ({ alertsPage, page }) => {
  await alertsPage.goto();
  await expect(alertsPage.heading).toBeVisible();
  await alertsPage.saveWebhookButton.click();
  await expect(page.getByText("Enter the webhook URL.", { exact: true })).toBeVisible();
  await alertsPage.webhookUrl.fill("ftp://example.com/hook");
  await alertsPage.saveWebhookButton.click();
  await expect(page.getByText("the webhook URL must be an http or https address", { exact: false })).toBeVisible();
  await expect(alertsPage.webhookSecret).toHaveCount(0);
});

test("the webhook's signing secret is shown once, and a test alert arrives signed with it", async ({ alertsPage, page }) => {
  await alertsPage.goto();
  secret = await alertsPage.saveWebhook(hook.url);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
  await page.reload();
  await expect(alertsPage.webhookSecret).toHaveCount(0);
  await expect(page.getByTestId("webhook-current")).toHaveText(`Alerts go to ${hook.url}`);
  expect(await page.content()).not.toContain(secret);

  await alertsPage.testButton("webhook").click();
  await expect(alertsPage.testResult("webhook")).toHaveText("Test alert sent.");
  expect(hook.requests).toHaveLength(1);
  const body = verify(secret, hook.requests[0]!);
  expect(body).toMatchObject({ event: "test", state: null, previousState: null, dashboardUrl: `${e2e.appUrl}/settings/alerts` });
  expect(body.message).toContain("This is a test alert from amoCRM Connect.");
});

test("a failing webhook says exactly why, and repeated failures show on /status", async ({ alertsPage, statusPage, page }) => {
  hook.status = 500;
  await alertsPage.goto();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    await alertsPage.testButton("webhook").click();
    await expect(alertsPage.testResult("webhook")).toHaveText("The test alert failed: the receiver answered HTTP 500.");
    await page.reload();
  }
  await statusPage.goto();
  await expect(page.getByTestId("alert-channel-failing-webhook")).toHaveText("Alerts through webhook failed 3 times in a row: the receiver answered HTTP 500.");
  hook.status = 200;
  await alertsPage.goto();
  await alertsPage.testButton("webhook").click();
  await expect(alertsPage.testResult("webhook")).toHaveText("Test alert sent.");
  await statusPage.goto();
  await expect(page.getByTestId("alert-channel-failing-webhook")).toHaveCount(0);
});

test("Telegram: the one-time deep link binds the chat that pressed Start; a test alert reaches it", async ({ alertsPage, page, request }) => {
  await alertsPage.goto();
  await alertsPage.telegramLinkButton.click();
  await expect(alertsPage.telegramLink).toBeVisible();
  const link = new URL((await alertsPage.telegramLink.getAttribute("href")) ?? "");
  expect(link.origin + link.pathname).toBe("https://t.me/amo_connect_test_bot");
  const code = link.searchParams.get("start") ?? "";
  expect(code).toMatch(/^[A-Za-z0-9_-]{16,64}$/);

  // Another chat guessing a code binds nothing; the right code binds its chat once.
  await telegram.start(request, 4441, "not-the-code");
  await telegram.start(request, 5551, code);
  await expect(async () => {
    await page.reload();
    await expect(alertsPage.chat("Dilnoza")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(alertsPage.telegramChats.getByRole("listitem")).toHaveCount(1);
  await expect.poll(async () => (await telegram.messages(request)).filter((message) => message.chatId === "5551").length).toBeGreaterThanOrEqual(1);

  await alertsPage.testButton("telegram").click();
  await expect(alertsPage.testResult("telegram")).toHaveText("Test alert sent.");
  expect((await telegram.messages(request)).filter((message) => message.chatId === "4441")).toHaveLength(0);
});

test("a connection that loses its authorization is told within 30 seconds through the webhook and Telegram, and its recovery too", async ({ connectPage, consentPage, statusPage, page, request }) => {
  hook.requests.length = 0;
  const before = (await telegram.messages(request)).length;
  await connectPage.saveCredentials({ accountDomain: "acoustic" });
  await consentPage.authorize("Allow");
  await expect(statusPage.connectionState).toHaveText("Connected");

  await fake.call(request, "fault", { target: "refresh", hint: "Token has been revoked", status: 401 });
  const refreshed = await page.request.post("/api/amocrm/refresh", { headers: { Origin: e2e.appUrl }, data: {} });
  expect(refreshed.status()).toBe(409);
  await expect.poll(() => hook.requests.length, { timeout: 30_000 }).toBe(1);
  const lost = verify(secret, hook.requests[0]!);
  expect(lost).toMatchObject({ event: "connection_lost", state: "needs_reauth", previousState: "connected", dashboardUrl: `${e2e.appUrl}/connect` });
  await expect.poll(async () => (await telegram.messages(request)).length, { timeout: 30_000 }).toBe(before + 1);

  await statusPage.goto();
  await connectPage.saveCredentials({ accountDomain: "acoustic" });
  await consentPage.authorize("Allow");
  await expect(statusPage.connectionState).toHaveText("Connected");
  await expect.poll(() => hook.requests.length, { timeout: 30_000 }).toBe(2);
  expect(verify(secret, hook.requests[1]!)).toMatchObject({ event: "connection_restored", state: "connected", previousState: "needs_reauth" });
  await expect.poll(async () => (await telegram.messages(request)).length, { timeout: 30_000 }).toBe(before + 2);
  // Exactly one of each: nothing else follows.
  expect(hook.requests).toHaveLength(2);

  // Leave the app as the specs after this one expect it: nothing configured (they start from an empty /connect).
  const reset = await page.request.post("/api/amocrm/disconnect", { headers: { Origin: e2e.appUrl }, data: { forgetCredentials: true } });
  expect(reset.ok()).toBe(true);
});

test("email: recipients are checked, and a test alert arrives as plain text and HTML", async ({ alertsPage, page, request }) => {
  await request.post(`${e2e.smtpSinkControlUrl}/__control/reset`);
  await alertsPage.goto();
  await alertsPage.saveRecipients("ops@example.uz, not-an-email");
  await expect(page.getByText("Not an email address: not-an-email", { exact: true })).toBeVisible();
  await alertsPage.saveRecipients("ops@example.uz\nBoss@Example.uz");
  await expect(page.getByText("Recipients saved.", { exact: true })).toBeVisible();
  await page.reload();
  await expect(alertsPage.recipients).toHaveValue("ops@example.uz\nboss@example.uz");
  await alertsPage.testButton("email").click();
  await expect(alertsPage.testResult("email")).toHaveText("Test alert sent.");
  const response = await request.get(`${e2e.smtpSinkControlUrl}/__control/messages`);
  const { messages } = (await response.json()) as { messages: Array<{ from: string; to: string[]; data: string; user: string }> };
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({ from: "alerts@example.uz", to: ["ops@example.uz", "boss@example.uz"], user: "alerts" });
  expect(messages[0]!.data).toMatch(/text\/plain/);
  expect(messages[0]!.data).toMatch(/text\/html/);
});

test("channels can be turned off: the chat unbound, the webhook removed, no recipients", async ({ alertsPage, page }) => {
  await alertsPage.goto();
  await alertsPage.saveRecipients("");
  await expect(page.getByText("Recipients saved.", { exact: true })).toBeVisible();
  await alertsPage.unbindButton("Dilnoza").click();
  await expect(page.getByText("No chat is bound yet.", { exact: true })).toBeVisible();
  await alertsPage.removeWebhook();
  await expect(page.getByTestId("webhook-current")).toHaveText("No webhook is set.");
});
