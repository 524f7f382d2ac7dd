import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/shell/language-switcher";
import { NavLink } from "@/components/shell/nav-link";
import { Button } from "@/components/ui/button";
import { requireAdmin } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { signOutAction, signOutEverywhereAction } from "./actions";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdmin();
  const t = await getTranslations("common");
  const testOrigin = getEnv().amocrmApiOrigin;
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        {t("skipToContent")}
      </a>
      {testOrigin && (
        <div data-testid="test-provider-banner" role="note" className="bg-amber-300 px-4 py-2 text-center text-sm font-semibold text-amber-950">
          {t("testProvider", { origin: testOrigin })}
        </div>
      )}
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
          <div className="flex items-center gap-2">
            <span aria-hidden="true" className="grid h-8 w-8 place-items-center rounded-lg bg-sky-700 text-sm font-bold text-white">
              a
            </span>
            <span className="text-base font-semibold text-slate-900">{t("appName")}</span>
          </div>
          <nav aria-label={t("nav.label")} className="order-3 flex w-full flex-wrap gap-1 sm:order-none sm:w-auto">
            <NavLink href="/guide">{t("nav.guide")}</NavLink>
            <NavLink href="/connect">{t("nav.connect")}</NavLink>
            <NavLink href="/status">{t("nav.status")}</NavLink>
            <NavLink href="/leads">{t("nav.leads")}</NavLink>
            <NavLink href="/settings/leads">{t("nav.leadSettings")}</NavLink>
            <NavLink href="/settings/api-keys">{t("nav.apiKeys")}</NavLink>
            <NavLink href="/settings/alerts">{t("nav.alerts")}</NavLink>
          </nav>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <LanguageSwitcher />
            <span className="text-slate-600">{t("signedInAs", { email: admin.email })}</span>
            <form action={signOutAction}>
              <Button type="submit" variant="quiet" size="sm">
                {t("signOut")}
              </Button>
            </form>
            <form action={signOutEverywhereAction}>
              <Button type="submit" variant="quiet" size="sm">
                {t("signOutEverywhere")}
              </Button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
