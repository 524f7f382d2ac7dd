import { getLocale, getTranslations } from "next-intl/server";
import { setLocaleAction } from "@/lib/i18n/actions";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";

/**
 * Three submit buttons in one form: works without JavaScript, the cookie is set by a server action. A segmented
 * toggle (aria-pressed shows the current language), not an action button, so it keeps its own compact look.
 */
export async function LanguageSwitcher() {
  const [locale, t] = await Promise.all([getLocale(), getTranslations("common")]);
  return (
    <form action={setLocaleAction} aria-label={t("language")} className="flex items-center gap-1">
      {LOCALES.map((code) => (
        <button
          key={code}
          type="submit"
          name="locale"
          value={code}
          lang={code}
          aria-pressed={code === locale}
          className="rounded px-2 py-1 text-xs font-semibold text-slate-700 hover:bg-slate-200 aria-pressed:bg-sky-700 aria-pressed:text-white focus-visible:outline-2 focus-visible:outline-sky-600"
        >
          {LOCALE_NAMES[code]}
        </button>
      ))}
    </form>
  );
}
