import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { getEnv } from "@/lib/env";
import { isLocale, LOCALE_COOKIE, matchAcceptLanguage, type Locale } from "./locales";
import { loadMessages } from "./messages";

/** The NEXT_LOCALE cookie, else Accept-Language, else Uzbek. */
export async function resolveLocale(): Promise<Locale> {
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(cookie)) return cookie;
  return matchAcceptLanguage((await headers()).get("accept-language"));
}

export default getRequestConfig(async () => {
  const locale = await resolveLocale();
  return { locale, messages: loadMessages(locale), timeZone: getEnv().timeZone };
});
