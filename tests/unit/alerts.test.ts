import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram } from "../fake-telegram/server";
import { setupTempEnv } from "./helpers/test-env";

// The fake Telegram and a webhook receiver first, then the env that points at them, then the app's modules.
const telegramFake = await startFakeTelegram({ quiet: true });
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
const receiver = { status: 200, delayMs: 0 };
const hookServer = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
    setTimeout(() => {
      response.writeHead(receiver.status);
      response.end();
    }, receiver.delayMs);
  });
});
await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;

setupTempEnv({ ALERT_WEBHOOK_ALLOW_PRIVATE: "1", TELEGRAM_BOT_TOKEN: telegramFake.token, TELEGRAM_API_ORIGIN: telegramFake.url });
const { applyConnectionEvent } = await import("@/lib/amocrm/transitions");
const { runAlertRound, checkConditions } = await import("@/lib/alerts/worker");
const { listAlertDeliveries } = await import("@/lib/db/alert-deliveries");
const { saveWebhook } = await import("@/lib/db/alert-settings");
const { bindTelegramChat } = await import("@/lib/db/telegram-chats");
const { listChannelHealth } = await import("@/lib/db/alert-channel-health");
const { getSqlite } = await import("@/lib/db/client");
const webhook = await import("@/lib/alerts/channels/webhook");
const { acceptLead, holdQueuedLeads } = await import("@/lib/db/leads");

const SECRET = "whsec_test_secret_value_0123456789";
const CHAT = "1001";
const system = { actor: "system" as const };
const t0 = new Date("2026-12-01T09:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

async function connect(now: Date) {
  await applyConnectionEvent({
    event: { type: "credentials_saved" },
    now,
    actor: system,
    fields: { platform: "amocrm.ru", clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef" },
    clientSecret: "client-secret",
  });
  const result = await applyConnectionEvent({
    event: { type: "consented" },
    now,
    actor: system,
    fields: { platform: "amocrm.ru", clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef", accountHost: "acoustic.amocrm.ru", accountId: 1, accountName: "Acoustic" },
    clientSecret: "client-secret",
    tokens: { accessToken: "access", refreshToken: "refresh", accessTokenExpiresAt: new Date(now.getTime() + 86_400_000) },
  });
  expect(result.transition?.next.state).toBe("connected");
}

async function lose(now: Date) {
  const result = await applyConnectionEvent({ event: { type: "permanent_failure", code: "token_revoked" }, now, actor: system });
  expect(result.transition?.next.state).toBe("needs_reauth");
}

async function moveTo(type: "transient_failure" | "blocked", now: Date, expected: "degraded" | "error") {
  const code = type === "blocked" ? "account_blocked" : "provider_error";
  const result = await applyConnectionEvent({ event: { type, code }, now, actor: system });
  expect(result.transition?.next.state).toBe(expected);
}

const round = (now: Date) => runAlertRound({ owner: "test", now: () => now });
const bodies = () => received.map((entry) => JSON.parse(entry.body) as Record<string, string | null>);

beforeEach(async () => {
  getSqlite().exec("DELETE FROM alert_deliveries; DELETE FROM alert_channel_health; DELETE FROM connections; DELETE FROM telegram_chats; DELETE FROM leads;");
  received.length = 0;
  receiver.status = 200;
  receiver.delayMs = 0;
  telegramFake.reset();
  await saveWebhook({ url: hookUrl, secret: SECRET, locale: "en", updatedBy: "admin@example.com" });
  await bindTelegramChat({ chatId: CHAT, label: "Admin" });
});

afterAll(async () => {
  await telegramFake.close();
  await new Promise((resolve) => hookServer.close(resolve));
});

describe("alerts through the real paths", () => {
  it("a connection that breaks and comes back gives exactly one alert per channel each time, signed as specified", async () => {
    await connect(at(0));
    expect(await listAlertDeliveries()).toHaveLength(0);
    await lose(at(1));
    expect((await listAlertDeliveries()).map((row) => row.channel).sort()).toEqual(["telegram", "webhook"]);
    expect(await round(at(1))).toEqual({ claimed: 2, sent: 2 });

    expect(received).toHaveLength(1);
    const [first] = received;
    const timestamp = String(first!.headers["x-amocrm-connect-timestamp"]);
    expect(timestamp).toMatch(/^\d{10}$/);
    const expected = `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${first!.body}`).digest("hex")}`;
    expect(first!.headers["x-amocrm-connect-signature"]).toBe(expected);
    expect(first!.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(first!.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["at", "dashboardUrl", "event", "message", "previousState", "state"]);
    expect(body).toMatchObject({ event: "connection_lost", state: "needs_reauth", previousState: "connected", at: at(1).toISOString(), dashboardUrl: "http://127.0.0.1:3999/connect" });
    // What happened, what it means for leads, the one action, in the language saved with the settings.
    expect(body.message).toContain("amoCRM no longer accepts the dashboard’s authorization.");
    expect(body.message).toContain("none reach amoCRM until the connection works again");
    expect(body.message).toContain("Authorize again on the Connect page.");
    expect(telegramFake.messages).toHaveLength(1);
    expect(telegramFake.messages[0]).toMatchObject({ chatId: CHAT });
    expect(telegramFake.messages[0]!.text).toBe(body.message);

    await connect(at(2));
    expect(await round(at(2))).toEqual({ claimed: 2, sent: 2 });
    expect(bodies().map((entry) => entry.event)).toEqual(["connection_lost", "connection_restored"]);
    expect(telegramFake.messages).toHaveLength(2);
    // Nothing more is due.
    expect(await round(at(3))).toEqual({ claimed: 0, sent: 0 });
  });

  it("throttling holds over a flapping sequence: one loss, one recovery, then one summary after the hour", async () => {
    await connect(at(0));
    for (let minute = 1; minute <= 21; minute += 2) {
      await lose(at(minute));
      await round(at(minute));
      await connect(at(minute + 1));
      await round(at(minute + 1));
    }
    expect(bodies().map((entry) => entry.event)).toEqual(["connection_lost", "connection_restored"]);
    expect(telegramFake.messages).toHaveLength(2);
    await round(at(60));
    expect(received).toHaveLength(2);
    await round(at(62));
    expect(received).toHaveLength(3);
    const summary = bodies()[2]!;
    expect(summary).toMatchObject({ event: "connection_restored", state: "connected" });
    expect(summary.message).toContain("dropped 10 times");
    expect(telegramFake.messages).toHaveLength(3);
  });

  it("a worse state within the hour is not held by the throttle: degraded, then needs_reauth, both go out at once", async () => {
    await connect(at(0));
    await moveTo("transient_failure", at(1), "degraded");
    expect(await round(at(1))).toEqual({ claimed: 2, sent: 2 });
    await lose(at(5));
    expect(await round(at(5))).toEqual({ claimed: 2, sent: 2 });
    expect(bodies().map((entry) => [entry.event, entry.state, entry.previousState])).toEqual([
      ["connection_lost", "degraded", "connected"],
      ["connection_lost", "needs_reauth", "degraded"],
    ]);
    expect(bodies()[1]!.message).toContain("Authorize again on the Connect page.");
    expect(telegramFake.messages).toHaveLength(2);
  });

  it("flapping between two broken states is summarised after the hour, not repeated", async () => {
    await connect(at(0));
    await moveTo("transient_failure", at(1), "degraded");
    await round(at(1));
    await moveTo("blocked", at(2), "error");
    await round(at(2));
    for (let minute = 3; minute < 23; minute += 2) {
      await moveTo("transient_failure", at(minute), "degraded");
      await round(at(minute));
      await moveTo("blocked", at(minute + 1), "error");
      await round(at(minute + 1));
    }
    expect(bodies().map((entry) => entry.state)).toEqual(["degraded", "error"]);
    expect(telegramFake.messages).toHaveLength(2);
    expect(await round(at(61))).toEqual({ claimed: 0, sent: 0 });
    expect(await round(at(62))).toEqual({ claimed: 2, sent: 2 });
    expect(bodies().map((entry) => entry.state)).toEqual(["degraded", "error", "error"]);
    expect(await round(at(120))).toEqual({ claimed: 0, sent: 0 });
  });

  it("a failing channel neither blocks the others nor itself stops retrying, and is reported after three failures", async () => {
    receiver.status = 500;
    receiver.delayMs = 1_500;
    await connect(at(0));
    await lose(at(1));
    const pending = round(at(1));
    // Telegram's message arrives while the webhook still hangs.
    await expect.poll(() => telegramFake.messages.length, { timeout: 1_400 }).toBe(1);
    expect(await pending).toEqual({ claimed: 2, sent: 1 });
    receiver.delayMs = 0;
    const failed = (await listAlertDeliveries()).find((row) => row.channel === "webhook")!;
    expect(failed).toMatchObject({ status: "queued", attempts: 1, lastErrorCode: "http_status" });
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(at(1).getTime());

    await round(at(10));
    await round(at(20));
    expect((await listChannelHealth()).find((entry) => entry.channel === "webhook")?.consecutiveFailures).toBe(3);
    // The channel's own failing is told through the others (Telegram), not through itself.
    const failing = (await listAlertDeliveries()).filter((row) => row.kind === "channel_failing");
    expect(failing.map((row) => row.channel)).toEqual(["telegram"]);
    await round(at(20));
    expect(telegramFake.messages.at(-1)?.text).toContain("Alerts through webhook are failing");
    expect(telegramFake.messages.at(-1)?.text).toContain("failed 3 times in a row: the receiver answered HTTP 500.");

    receiver.status = 200;
    await round(at(40));
    expect(bodies().filter((entry) => entry.event === "connection_lost")).toHaveLength(4);
    expect((await listChannelHealth()).find((entry) => entry.channel === "webhook")?.consecutiveFailures).toBe(0);
  });

  it("honours Telegram's retry_after on 429", async () => {
    telegramFake.fault({ method: "sendMessage", status: 429, retryAfter: 42 });
    await connect(at(0));
    await lose(at(1));
    await round(at(1));
    const row = (await listAlertDeliveries()).find((entry) => entry.channel === "telegram")!;
    expect(row).toMatchObject({ status: "queued", lastErrorCode: "telegram_rate_limited" });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(at(1).getTime() + 42_000);
    await round(new Date(at(1).getTime() + 41_000));
    expect(telegramFake.messages).toHaveLength(0);
    await round(new Date(at(1).getTime() + 42_000));
    expect(telegramFake.messages).toHaveLength(1);
  });

  it("leads held longer than 15 minutes and a refresh token about to die are each told once", async () => {
    await connect(at(0));
    const utm = { source: null, medium: null, campaign: null, content: null, term: null };
    await acceptLead({ id: "3f2a9c1e-0000-4000-8000-000000000001", apiKeyId: "k", lead: { name: "A", phone: "+998901234567", email: null, message: null, source: null, pageUrl: null, utm }, idempotency: null, answer: () => ({ status: 202, body: "{}" }), now: at(0) });
    await holdQueuedLeads({ code: "needs_reauth", now: at(0) });
    await checkConditions(at(10));
    expect((await listAlertDeliveries()).filter((row) => row.kind === "leads_held")).toHaveLength(0);
    await checkConditions(at(16));
    await checkConditions(at(17));
    expect((await listAlertDeliveries()).filter((row) => row.kind === "leads_held").map((row) => row.channel).sort()).toEqual(["telegram", "webhook"]);

    // The refresh token from connect(at(0)) lives 90 days: told once when fewer than 7 are left.
    await checkConditions(at(60 * 24 * 82));
    expect((await listAlertDeliveries()).filter((row) => row.kind === "refresh_token_expiring")).toHaveLength(0);
    await checkConditions(at(60 * 24 * 84));
    await checkConditions(at(60 * 24 * 86));
    expect((await listAlertDeliveries()).filter((row) => row.kind === "refresh_token_expiring")).toHaveLength(2);
  });
});

describe("no SSRF through the webhook", () => {
  it.each(["http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]/x", "http://[::ffff:127.0.0.1]/x", "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/"])(
    "refuses %s unless private addresses are allowed",
    async (url) => {
      const refused = await webhook.checkWebhookUrl(url, { allowPrivate: false });
      expect(refused).toMatchObject({ ok: false, code: "webhook_private_address" });
      expect((await webhook.checkWebhookUrl(url, { allowPrivate: true })).ok).toBe(true);
    },
  );

  it("refuses URLs with credentials or another scheme", async () => {
    for (const url of ["ftp://example.com/", "http://user:pass@example.com/", "not a url"]) {
      expect(await webhook.checkWebhookUrl(url, { allowPrivate: true })).toMatchObject({ ok: false, code: "webhook_url_invalid" });
    }
  });

  it("checks again at send time and sends nothing to a loopback address", async () => {
    const message = { event: "test", state: null, previousState: null, title: "t", happened: "", leads: "", action: "", url: "http://x/", at: t0, text: "t" };
    const result = await webhook.send(message, { url: hookUrl, secret: SECRET, allowPrivate: false });
    expect(result).toMatchObject({ ok: false, code: "webhook_private_address", address: "127.0.0.1" });
    expect(received).toHaveLength(0);
  });

  it("does not follow a redirect", async () => {
    const redirector = createServer((_request, response) => {
      response.writeHead(302, { Location: hookUrl });
      response.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    const message = { event: "test", state: null, previousState: null, title: "t", happened: "", leads: "", action: "", url: "http://x/", at: t0, text: "t" };
    const result = await webhook.send(message, { url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`, secret: SECRET, allowPrivate: true });
    await new Promise((resolve) => redirector.close(resolve));
    expect(result).toMatchObject({ ok: false, code: "redirect", status: 302 });
    expect(received).toHaveLength(0);
  });
});
