// next-intl's server API as a route handler sees it, for unit tests that call handlers outside a Next request:
// `getTranslations` from the app's real messages in a language of the test's choosing.
import { createTranslator } from "next-intl";
import { loadMessages } from "@/lib/i18n/messages";
import type { Locale } from "@/lib/i18n/locales";

/** Use as `vi.mock("next-intl/server", async () => (await import("./helpers/translations")).intlServer(() => "en"))`. */
export function intlServer(locale: () => Locale) {
  return {
    getTranslations: async (namespace: string) =>
      createTranslator({ locale: locale(), messages: loadMessages(locale()), namespace: namespace as "errors" }),
  };
}
