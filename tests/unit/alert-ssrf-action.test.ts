// No SSRF through alerts, proved through the server path the settings form uses: the real saveWebhookAction (and the
// test button's action) in a production-mode server without ALERT_WEBHOOK_ALLOW_PRIVATE, with host names whose DNS
// answers the test scripts. A refused URL gets the admin-language reason and stores nothing; a host that resolved
// public when saved but private when sending (DNS rebinding) is refused at send time and nothing reaches it.
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

/** The test's DNS: these names answer what the test says; every other name goes to the real resolver. */
const dns = vi.hoisted(() => ({ answers: new Map<string, Array<{ address: string; family: number }>>() }));
vi.mock("node:dns", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:dns")>();
  const lookup = ((host: string, options: unknown, callback: (...args: unknown[]) => void) => {
    const scripted = dns.answers.get(host);
    if (!scripted) return (actual.lookup as (...args: unknown[]) => void)(host, options, callback);
    const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all;
    queueMicrotask(() => (all ? callback(null, scripted) : callback(null, scripted[0]!.address, scripted[0]!.family)));
  }) as typeof actual.lookup;
  return { ...actual, lookup, default: { ...actual, lookup } };
});

const locale = vi.hoisted(() => ({ current: "en" as "en" | "ru" | "uz" }));
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (name === "NEXT_LOCALE" ? { name, value: locale.current } : undefined) }),
  headers: async () => new Headers(),
}));
vi.mock("next-intl/server", async () => ({
  ...(await import("./helpers/translations")).intlServer(() => locale.current),
  // lib/i18n/request.ts also builds the request config at import; the actions under test never read it.
  getRequestConfig: (build: unknown) => build,
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("@/lib/auth/session", () => ({
  requireAdmin: vi.fn(async () => ({ id: 1, email: "admin@example.com", passwordHash: "x", createdAt: new Date(), lastSignInAt: null })),
}));

// A receiver on loopback: where a rebinding host would send the alert if the send path did not check again.
let received = 0;
const receiver = createServer((request, response) => {
  received += 1;
  request.resume();
  response.writeHead(200).end();
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverPort = (receiver.address() as AddressInfo).port;

// Production, and ALERT_WEBHOOK_ALLOW_PRIVATE unset: the way a real server runs.
delete process.env.ALERT_WEBHOOK_ALLOW_PRIVATE;
setupTempEnv({ NODE_ENV: "production" });
const { getEnv } = await import("@/lib/env");
const { saveWebhookAction, sendTestAlertAction } = await import("@/app/(admin)/settings/alerts/actions");
const { getAlertSettings, getWebhookTarget } = await import("@/lib/db/alert-settings");
const { enqueueAlertEvent, listAlertDeliveries } = await import("@/lib/db/alert-deliveries");
const { runAlertRound } = await import("@/lib/alerts/worker");
const { getSqlite } = await import("@/lib/db/client");
const { migrateDatabase } = await import("@/lib/db/migrate");
await migrateDatabase();

const ROOT = path.resolve(__dirname, "../..");
/** The admin-facing reason, straight from the language's message file. */
function privateAddressReason(language: "en" | "ru" | "uz", host: string, address: string): string {
  const file = JSON.parse(fs.readFileSync(path.join(ROOT, "messages", language, "alerts.json"), "utf8")) as { failures: Record<string, string> };
  return file.failures.webhook_private_address!.replace("{host}", host).replace("{address}", address);
}

function form(url: string): FormData {
  const data = new FormData();
  data.set("webhookUrl", url);
  return data;
}

beforeEach(async () => {
  getSqlite().exec("DELETE FROM alert_deliveries; DELETE FROM alert_channel_health; DELETE FROM alert_settings;");
  dns.answers.clear();
  received = 0;
  locale.current = "en";
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

describe("saving a webhook URL on a production server without ALERT_WEBHOOK_ALLOW_PRIVATE", () => {
  it("runs as a real server would", () => {
    expect(getEnv()).toMatchObject({ isProduction: true, alertWebhookAllowPrivate: false });
  });

  const cases: Array<{ url: string; host: string; address: string; answer?: { address: string; family: number } }> = [
    { url: "http://127.0.0.1/hook", host: "127.0.0.1", address: "127.0.0.1" },
    { url: "http://10.0.0.5/hook", host: "10.0.0.5", address: "10.0.0.5" },
    { url: "http://169.254.169.254/latest/meta-data", host: "169.254.169.254", address: "169.254.169.254" },
    { url: "http://[::1]:8080/hook", host: "::1", address: "::1" },
    { url: "https://loopback.hooks.test/hook", host: "loopback.hooks.test", address: "127.0.0.1", answer: { address: "127.0.0.1", family: 4 } },
    { url: "https://office.hooks.test/hook", host: "office.hooks.test", address: "10.20.30.40", answer: { address: "10.20.30.40", family: 4 } },
    { url: "https://metadata.hooks.test/x", host: "metadata.hooks.test", address: "169.254.169.254", answer: { address: "169.254.169.254", family: 4 } },
    { url: "https://v6.hooks.test/hook", host: "v6.hooks.test", address: "::1", answer: { address: "::1", family: 6 } },
  ];

  it.each(cases)("refuses $url in the admin's language and stores nothing", async ({ url, host, address, answer }) => {
    if (answer) dns.answers.set(host, [answer]);
    for (const language of ["en", "ru", "uz"] as const) {
      locale.current = language;
      const state = await saveWebhookAction({}, form(url));
      expect(state).toEqual({ status: "invalid", fieldErrors: { webhookUrl: [privateAddressReason(language, host, address)] }, values: { webhookUrl: url } });
      expect(state.secret).toBeUndefined();
    }
    expect(await getWebhookTarget()).toBeNull();
    expect((await getAlertSettings()).webhookUrl).toBeNull();
  });

  it("refuses a host with one private address among public ones", async () => {
    dns.answers.set("mixed.hooks.test", [
      { address: "93.184.216.34", family: 4 },
      { address: "192.168.1.10", family: 4 },
    ]);
    const state = await saveWebhookAction({}, form("https://mixed.hooks.test/hook"));
    expect(state.fieldErrors?.webhookUrl).toEqual([privateAddressReason("en", "mixed.hooks.test", "192.168.1.10")]);
    expect(await getWebhookTarget()).toBeNull();
  });

  it("saves a host that resolves to a public address (the same action, so the refusals above are the address's)", async () => {
    dns.answers.set("public.hooks.test", [{ address: "93.184.216.34", family: 4 }]);
    const state = await saveWebhookAction({}, form("https://public.hooks.test/hook"));
    expect(state.status).toBe("saved");
    expect(state.secret).toMatch(/^whsec_/);
    expect((await getWebhookTarget())?.url).toBe("https://public.hooks.test/hook");
  });
});

describe("DNS rebinding: the send path resolves and checks again", () => {
  it("a host that was public when saved and is loopback when sending is refused at send, and nothing reaches it", async () => {
    const host = "rebind.hooks.test";
    const url = `http://${host}:${receiverPort}/hook`;
    dns.answers.set(host, [{ address: "93.184.216.34", family: 4 }]);
    expect((await saveWebhookAction({}, form(url))).status).toBe("saved");

    dns.answers.set(host, [{ address: "127.0.0.1", family: 4 }]);
    expect(await enqueueAlertEvent({ kind: "lead_dead", at: new Date(), count: 1, detail: { count: 1 } })).toBe(1);
    expect(await runAlertRound({ owner: "test" })).toEqual({ claimed: 1, sent: 0 });
    const [row] = await listAlertDeliveries();
    expect(row).toMatchObject({ channel: "webhook", status: "queued", lastErrorCode: "webhook_private_address" });

    // The test button takes the same send path and tells the admin why, in their language.
    locale.current = "ru";
    const test = new FormData();
    test.set("channel", "webhook");
    const answer = await sendTestAlertAction({}, test);
    expect(answer.status).toBe("failed");
    expect(answer.message).toContain(privateAddressReason("ru", host, "127.0.0.1"));
    expect(received).toBe(0);
  });
});
