import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "./language-switcher";

/** The frame of the pages seen before sign-in: product name, language, one card. */
export async function PublicFrame({ title, children }: { title: string; children: ReactNode }) {
  const t = await getTranslations("common");
  return (
    <div className="flex min-h-screen flex-col items-center px-4 py-8">
      <header className="flex w-full max-w-md items-center justify-between">
        <span className="text-base font-semibold text-slate-900">{t("appName")}</span>
        <LanguageSwitcher />
      </header>
      <main className="mt-8 w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
        <div className="mt-4">{children}</div>
      </main>
    </div>
  );
}
