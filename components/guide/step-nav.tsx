import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { neighbourSteps, stepHref, type GuideStep } from "./steps";

/** Previous and next links at the foot of a step. */
export async function StepNav({ step }: { step: GuideStep }) {
  const t = await getTranslations("guide");
  const { previous, next } = neighbourSteps(step);
  const linkClass =
    "group flex min-w-0 flex-1 flex-col rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm hover:border-sky-300 hover:bg-sky-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600";
  return (
    <nav aria-label={t("nav.label")} className="flex flex-col gap-3 sm:flex-row">
      {previous ? (
        <Link href={stepHref(previous)} rel="prev" className={linkClass}>
          <span className="text-xs text-slate-600">
            <span aria-hidden="true">← </span>
            {t("nav.previous")}
          </span>
          <span className="font-semibold text-slate-900">{t(`steps.${previous}.title`)}</span>
        </Link>
      ) : (
        <span className="hidden flex-1 sm:block" />
      )}
      {next && (
        <Link href={stepHref(next)} rel="next" className={`${linkClass} sm:items-end sm:text-right`}>
          <span className="text-xs text-slate-600">
            {t("nav.next")}
            <span aria-hidden="true"> →</span>
          </span>
          <span className="font-semibold text-slate-900">{t(`steps.${next}.title`)}</span>
        </Link>
      )}
    </nav>
  );
}
