import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startSmtpSink } from "../smtp-sink/server";
import { setupTempEnv } from "./helpers/test-env";

// An SMTP sink that wants a password, then the env that points SMTP_URL at it, then the app's modules.
const PASSWORD = "smtp-pass-7f3e9c1b2a";
const sink = await startSmtpSink({ user: "alerts", password: PASSWORD });
setupTempEnv({ SMTP_URL: `smtp://alerts:${PASSWORD}@127.0.0.1:${sink.port}`, ALERT_EMAIL_FROM: "alerts@example.uz" });
const email = await import("@/lib/alerts/channels/email");
const { renderAlert } = await import("@/lib/alerts/message");
const { saveEmailRecipients } = await import("@/lib/db/alert-settings");
const { enqueueAlertEvent, listAlertDeliveries } = await import("@/lib/db/alert-deliveries");
const { runAlertRound } = await import("@/lib/alerts/worker");
const { sendTestAlert } = await import("@/lib/alerts/test-alert");
const { getSqlite } = await import("@/lib/db/client");

const at = new Date("2026-12-01T09:00:00Z");

beforeEach(() => {
  sink.reset();
  getSqlite().exec("DELETE FROM alert_deliveries; DELETE FROM alert_channel_health;");
});

afterAll(async () => {
  await sink.close();
});

describe("the email channel", () => {
  it("sends one message to every recipient, plain text and HTML, in the admin's language", async () => {
    await saveEmailRecipients({ recipients: ["ops@example.uz", "boss@example.uz"], locale: "ru", updatedBy: "admin@example.com" });
    expect(await enqueueAlertEvent({ kind: "lead_dead", at, count: 2, detail: { count: 2 } })).toBe(1);
    expect(await runAlertRound({ owner: "test", now: () => at })).toEqual({ claimed: 1, sent: 1 });
    expect(sink.messages).toHaveLength(1);
    const [message] = sink.messages;
    expect(message).toMatchObject({ from: "alerts@example.uz", to: ["ops@example.uz", "boss@example.uz"], user: "alerts" });
    expect(message!.data).toMatch(/Content-Type: text\/plain/i);
    expect(message!.data).toMatch(/Content-Type: text\/html/i);
    expect(message!.data).toMatch(/^Subject: /m);
    expect((await listAlertDeliveries())[0]).toMatchObject({ channel: "email", status: "sent" });
  });

  it("says exactly why when the mail server refuses the password or the message, and never logs the password", async () => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error"] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" "))));
    await saveEmailRecipients({ recipients: ["ops@example.uz"], locale: "en", updatedBy: "admin@example.com" });
    const message = renderAlert({ kind: "test", state: null, previousState: null, occurrences: 1, detail: {}, firstAt: at, lastAt: at }, "en");

    sink.refuse(554);
    expect(await email.send(message, { recipients: ["ops@example.uz"] })).toMatchObject({ ok: false, code: "smtp_refused", status: 554 });

    const wrong = await startSmtpSink({ user: "alerts", password: "another-password" });
    process.env.SMTP_URL = `smtp://alerts:${PASSWORD}@127.0.0.1:${wrong.port}`;
    vi.resetModules();
    const fresh = await import("@/lib/alerts/channels/email");
    const result = await fresh.send(message, { recipients: ["ops@example.uz"] });
    expect(result).toMatchObject({ ok: false, code: "smtp_auth_failed" });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);

    // Through the queue the failure is logged, by code only.
    await (await import("@/lib/db/alert-deliveries")).enqueueAlertEvent({ kind: "lead_dead", at, count: 1, detail: { count: 1 } });
    expect(await (await import("@/lib/alerts/worker")).runAlertRound({ owner: "test", now: () => at })).toEqual({ claimed: 1, sent: 0 });
    await wrong.close();
    for (const spy of spies) spy.mockRestore();
    expect(logged.some((line) => line.includes("smtp_auth_failed"))).toBe(true);
    expect(logged.join("\n")).not.toContain(PASSWORD);
    process.env.SMTP_URL = `smtp://alerts:${PASSWORD}@127.0.0.1:${sink.port}`;
  });

  it("the test alert reports success, and 'no recipients' when none are listed", async () => {
    await saveEmailRecipients({ recipients: [], locale: "en", updatedBy: "admin@example.com" });
    expect(await sendTestAlert({ channel: "email", now: at })).toEqual({ ok: false, failure: { code: "email_no_recipients" } });
    await saveEmailRecipients({ recipients: ["ops@example.uz"], locale: "en", updatedBy: "admin@example.com" });
    expect(await sendTestAlert({ channel: "email", now: at })).toEqual({ ok: true });
    expect(sink.messages.at(-1)?.data).toContain("This is a test alert from amoCRM Connect.");
  });
});
