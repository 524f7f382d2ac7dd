// A failing alert channel through the real worker loops (issue 15: "a channel that fails does not block the others or
// the lead queue"): the server's own alert and lead workers run against the fake amoCRM, the fake Telegram, an SMTP
// sink and a webhook receiver that hangs (takes the request, never answers) or answers 500. Alerts must still reach
// Telegram and email within seconds, later alerts too while the webhook still hangs, and website leads keep reaching
// amoCRM meanwhile. Every wait is on a condition.
import { createServer, type ServerResponse } from "node:http";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeAmo } from "../fake-amocrm/server";
import { startFakeTelegram } from "../fake-telegram/server";
import { startSmtpSink } from "../smtp-sink/server";
import { APP_URL, connectThroughFake, startFakeOptions, useTestEnv } from "./helpers/amo-test-env";

const amo = await startFakeAmo(startFakeOptions());
const telegramFake = await startFakeTelegram({ quiet: true });
const sink = await startSmtpSink();
// SMTP_URL points at this relay: it passes the conversation on to the sink, or (silent) takes it and never greets.
const smtp = { mode: "relay" as "relay" | "silent" };
const smtpSockets = new Set<Socket>();
const smtpRelay = createTcpServer((client) => {
  smtpSockets.add(client);
  client.on("error", () => undefined);
  client.on("close", () => smtpSockets.delete(client));
  if (smtp.mode === "silent") return;
  const upstream = connect(sink.port, "127.0.0.1");
  upstream.on("error", () => client.destroy());
  client.on("close", () => upstream.destroy());
  client.pipe(upstream).pipe(client);
});
await new Promise<void>((resolve) => smtpRelay.listen(0, "127.0.0.1", resolve));

const receiver = { mode: "hang" as "hang" | "500", requests: 0 };
const hanging = new Set<ServerResponse>();
const hookServer = createServer((request, response) => {
  request.resume();
  receiver.requests += 1;
  if (receiver.mode === "hang") hanging.add(response);
  else response.writeHead(500).end();
});
await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;

useTestEnv(amo.url, {
  ALERT_WEBHOOK_ALLOW_PRIVATE: "1",
  TELEGRAM_BOT_TOKEN: telegramFake.token,
  TELEGRAM_API_ORIGIN: telegramFake.url,
  SMTP_URL: `smtp://127.0.0.1:${(smtpRelay.address() as AddressInfo).port}`,
  ALERT_EMAIL_FROM: "alerts@example.uz",
});
const { migrateDatabase } = await import("@/lib/db/migrate");
await migrateDatabase();
const { startAlertWorker, stopAlertWorker } = await import("@/lib/alerts/worker");
const { startLeadWorker, stopLeadWorker } = await import("@/lib/leads/worker");
const { sendToTarget } = await import("@/lib/alerts/deliver");
const { renderAlert } = await import("@/lib/alerts/message");
const { enqueueAlertEvent, listAlertDeliveries } = await import("@/lib/db/alert-deliveries");
const { notifyAlertQueued } = await import("@/lib/alerts/wake");
const { saveEmailRecipients, saveWebhook } = await import("@/lib/db/alert-settings");
const { bindTelegramChat } = await import("@/lib/db/telegram-chats");
const { createApiKey } = await import("@/lib/db/api-keys");
const { acceptLeadRequest } = await import("@/lib/leads/intake");
const { getSqlite } = await import("@/lib/db/client");

/** Within the worker's normal time: it polls every 2 s and is woken at once by a queued alert. */
const PROMPTLY = { timeout: 4_000, interval: 20 };

async function postLead(key: string, index: number): Promise<void> {
  const request = new Request(`${APP_URL}/api/v1/leads`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `Lead ${index}`, phone: `+99890${1_000_000 + index}`, source: "isolation-test" }),
  });
  expect((await acceptLeadRequest(request)).status).toBe(202);
}

async function queueAlert(kind: "lead_dead" | "leads_held", dedupeKey: string): Promise<void> {
  expect(await enqueueAlertEvent({ kind, at: new Date(), dedupeKey, count: 1, detail: { count: 1, since: new Date().toISOString() } })).toBe(3);
  notifyAlertQueued();
}

beforeEach(async () => {
  getSqlite().exec(
    "DELETE FROM alert_deliveries; DELETE FROM alert_channel_health; DELETE FROM telegram_chats; DELETE FROM leads; DELETE FROM connections; DELETE FROM leases; DELETE FROM delivery_state;",
  );
  amo.controls.reset({ initial: true });
  telegramFake.reset();
  sink.reset();
  receiver.requests = 0;
  smtp.mode = "relay";
  await connectThroughFake(amo);
  await saveWebhook({ url: hookUrl, secret: "whsec_isolation_test_secret_0123456789", locale: "en", updatedBy: "admin@example.com" });
  await bindTelegramChat({ chatId: "1001", label: "Admin" });
  await saveEmailRecipients({ recipients: ["ops@example.uz"], locale: "en", updatedBy: "admin@example.com" });
});

afterEach(async () => {
  // Whatever still hangs is cut off, so the alert worker's send in flight ends and the worker can stop.
  for (const response of hanging) response.destroy();
  hanging.clear();
  hookServer.closeAllConnections();
  for (const socket of smtpSockets) socket.destroy();
  await Promise.all([stopAlertWorker(), stopLeadWorker()]);
});

afterAll(async () => {
  await Promise.all([amo.close(), telegramFake.close(), sink.close(), new Promise((resolve) => hookServer.close(resolve)), new Promise((resolve) => smtpRelay.close(resolve))]);
});

describe("a failing webhook through the real worker loops", () => {
  it.each(["hang", "500"] as const)("webhook that %s: Telegram and email still get every alert promptly, and leads keep reaching amoCRM", async (mode) => {
    receiver.mode = mode;
    const { key } = await createApiKey({ name: "website", createdBy: null });
    startLeadWorker();
    startAlertWorker();

    await queueAlert("lead_dead", "first");
    await vi.waitFor(() => {
      expect(telegramFake.messages).toHaveLength(1);
      expect(sink.messages).toHaveLength(1);
      expect(receiver.requests).toBe(1);
    }, PROMPTLY);

    // Leads posted while the webhook fails (or still hangs) are delivered as usual.
    for (let index = 0; index < 5; index += 1) await postLead(key, index);
    await vi.waitFor(() => expect(amo.controls.leads().leads).toHaveLength(5), PROMPTLY);

    // A second alert while the first webhook request may still hang: the other channels do not wait for it.
    await queueAlert("leads_held", "second");
    await vi.waitFor(() => {
      expect(telegramFake.messages).toHaveLength(2);
      expect(sink.messages).toHaveLength(2);
    }, PROMPTLY);
    // Both webhook requests are still unanswered: Telegram and email did not wait for them.
    if (mode === "hang") expect(hanging.size).toBe(2);

    const rows = await listAlertDeliveries();
    expect(rows.filter((row) => row.channel !== "webhook").map((row) => row.status)).toEqual(["sent", "sent", "sent", "sent"]);
    const hooks = rows.filter((row) => row.channel === "webhook");
    // Still in flight (hang), or queued again with backoff (500): never sent, never given up.
    expect(hooks.map((row) => row.status)).toEqual(mode === "hang" ? ["sending", "sending"] : ["queued", "queued"]);
  });
});

describe("every channel send has a hard deadline", () => {
  const message = renderAlert({ kind: "test", state: null, previousState: null, occurrences: 1, detail: {}, firstAt: new Date(), lastAt: new Date() }, "en");

  it("a webhook receiver that trickles its answer byte by byte (the socket never idles) is cut off at the deadline", async () => {
    const sockets = new Set<Socket>();
    const trickler = createTcpServer((socket) => {
      sockets.add(socket);
      // A valid start, then one more byte of an endless header every 50 ms: never idle, never complete.
      socket.write("HTTP/1.1 200 OK\r\nX-Slow: ");
      const timer = setInterval(() => {
        if (!socket.destroyed) socket.write("a");
      }, 50);
      socket.on("close", () => clearInterval(timer));
      socket.on("error", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickler.listen(0, "127.0.0.1", resolve));
    await saveWebhook({ url: `http://127.0.0.1:${(trickler.address() as AddressInfo).port}/hook`, secret: "whsec_isolation_test_secret_0123456789", locale: "en", updatedBy: "admin@example.com" });
    try {
      const started = Date.now();
      const result = await sendToTarget("webhook", "", message, { timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, code: "timeout" });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => trickler.close(resolve));
    }
  });

  it("an SMTP server that accepts the connection and never greets is cut off at the deadline", async () => {
    smtp.mode = "silent";
    const started = Date.now();
    const result = await sendToTarget("email", "", message, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, code: "timeout" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
