import { createFormatter, createTranslator } from "next-intl";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

/**
 * The dates on /status come from next-intl's formatter, configured by lib/i18n/request.ts. These tests run that very
 * request config for a chosen language and APP_TIME_ZONE, then format the way the status page does (named format
 * "moment", the status messages), so a config that drops the zone, the language or the formats fails here.
 */

const request = { cookie: undefined as string | undefined, acceptLanguage: null as string | null };

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (name === "NEXT_LOCALE" && request.cookie ? { value: request.cookie } : undefined) }),
  headers: async () => new Headers(request.acceptLanguage ? { "accept-language": request.acceptLanguage } : {}),
}));
// Outside React Server Components next-intl/server only offers stubs; in RSC getRequestConfig returns its argument.
vi.mock("next-intl/server", () => ({ getRequestConfig: <T>(create: T) => create }));

const INSTANT = new Date("2026-11-27T09:00:00.000Z");
const NOW = new Date("2026-11-24T09:00:00.000Z");

/** Narrow and ordinary no-break spaces vary between ICU versions; the words and digits are what matter. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, " ");

async function configFor({ locale, timeZone, acceptLanguage = null }: { locale?: string; timeZone?: string; acceptLanguage?: string | null }) {
  vi.resetModules();
  setupTempEnv(timeZone ? { APP_TIME_ZONE: timeZone } : {});
  if (!timeZone) delete process.env.APP_TIME_ZONE;
  request.cookie = locale;
  request.acceptLanguage = acceptLanguage;
  const { default: requestConfig } = await import("@/lib/i18n/request");
  const config = await (requestConfig as unknown as () => Promise<{
    locale: "uz" | "ru" | "en";
    timeZone: string;
    formats: import("next-intl").Formats;
    messages: import("@/lib/i18n/messages").Messages;
  }>)();
  const format = createFormatter({ locale: config.locale, timeZone: config.timeZone, formats: config.formats, now: NOW });
  const t = createTranslator({ locale: config.locale, messages: config.messages, namespace: "status", formats: config.formats, timeZone: config.timeZone });
  return { config, format, t };
}

const savedEnv = { ...process.env };
beforeEach(() => {
  request.cookie = undefined;
  request.acceptLanguage = null;
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe("dates on /status", () => {
  it.each([
    ["uz", "27-noy, 2026, 14:00"],
    ["ru", "27 нояб. 2026 г., 14:00"],
    ["en", "Nov 27, 2026, 2:00 PM"],
  ])("show in %s and in APP_TIME_ZONE (Asia/Tashkent by default), not in the server process's zone", async (locale, expected) => {
    const { config, format } = await configFor({ locale });
    expect(config.locale).toBe(locale);
    expect(config.timeZone).toBe("Asia/Tashkent");
    expect(plain(format.dateTime(INSTANT, "moment"))).toBe(expected);
  });

  it("follow another APP_TIME_ZONE", async () => {
    const { config, format } = await configFor({ locale: "en", timeZone: "America/New_York" });
    expect(config.timeZone).toBe("America/New_York");
    expect(plain(format.dateTime(INSTANT, "moment"))).toBe("Nov 27, 2026, 4:00 AM");
    expect(plain(format.dateTime(INSTANT, "logged"))).toBe("11/27/26, 4:00:00 AM");
  });

  it("are Uzbek when neither the cookie nor Accept-Language names a language of the app", async () => {
    const { format } = await configFor({ acceptLanguage: "de-DE,fr;q=0.8" });
    expect(plain(format.dateTime(INSTANT, "moment"))).toBe("27-noy, 2026, 14:00");
  });

  it.each([
    ["uz", "27-noy, 2026, 14:00 (3 kundan keyin)"],
    ["ru", "27 нояб. 2026 г., 14:00 (через 3 дня)"],
    ["en", "Nov 27, 2026, 2:00 PM (in 3 days)"],
  ])("read as one %s message with the relative time, as the token expiry rows show them", async (locale, expected) => {
    const { format, t } = await configFor({ locale });
    const line = t("fields.dateWithRelative", { date: format.dateTime(INSTANT, "moment"), relative: format.relativeTime(INSTANT, NOW) });
    expect(plain(line)).toBe(expected);
  });

  it.each([
    ["uz", "amoCRM 1 234 ms ichida javob berdi: Acoustic akkaunti (ID 29145784)."],
    ["ru", "amoCRM ответила за 1 234 мс: аккаунт Acoustic (ID 29145784)."],
    ["en", "amoCRM answered in 1,234 ms: account Acoustic (ID 29145784)."],
  ])("format the test result's latency as a %s number and keep the account id as written", async (locale, expected) => {
    const { t } = await configFor({ locale });
    expect(plain(t("actions.testOk", { ms: 1234, name: "Acoustic", id: "29145784" }))).toBe(expected);
  });
});
