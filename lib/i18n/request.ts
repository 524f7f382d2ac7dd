import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { getEnv } from "@/lib/env";
import { FORMATS } from "./formats";
import { isLocale, LOCALE_COOKIE, matchAcceptLanguage, type Locale } from "./locales";
import { loadMessages } from "./messages";

/** The NEXT_LOCALE cookie, else Accept-Language, else Uzbek. */
export async function resolveLocale(): Promise<Locale> {
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(cookie)) return cookie;
  return matchAcceptLanguage((await headers()).get("accept-language"));
}

/**
 * Every date, time and number on every page is formatted by next-intl with this: the chosen language, the server's
 * APP_TIME_ZONE (not the browser's nor the server process's zone) and the app's named formats.
 */
export default getRequestConfig(async () => {
  const locale = await resolveLocale();
  return { locale, messages: loadMessages(locale), timeZone: getEnv().timeZone, formats: FORMATS };
});
