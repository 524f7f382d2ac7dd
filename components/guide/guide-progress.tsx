import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { GUIDE_STEPS, stepHref, stepNumber, type GuideStep } from "./steps";

/** The step list with a progress bar: where the admin is and which steps are done. */
export async function GuideProgress({ current, done }: { current: GuideStep; done: readonly GuideStep[] }) {
  const t = await getTranslations("guide");
  const doneSet = new Set(done);
  const percent = Math.round((doneSet.size / GUIDE_STEPS.length) * 100);
  return (
    <nav aria-label={t("progress.nav")} className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4">
      <p className="text-sm font-medium text-slate-700">
        {t("progress.summary", { done: doneSet.size, total: GUIDE_STEPS.length })}
      </p>
      <div aria-hidden="true" className="mt-2 h-2 overflow-hidden rounded-full bg-slate-200">
        <div className="h-full rounded-full bg-emerald-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <ol className="mt-3 grid grid-cols-6 gap-1 lg:grid-cols-1 lg:gap-1.5">
        {GUIDE_STEPS.map((step) => {
          const isCurrent = step === current;
          const isDone = doneSet.has(step);
          return (
            <li key={step}>
              <Link
                href={stepHref(step)}
                aria-current={isCurrent ? "step" : undefined}
                className={`flex flex-col items-center gap-1.5 rounded-lg px-1 py-2 text-center focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 lg:flex-row lg:gap-3 lg:px-2.5 lg:text-left ${
                  isCurrent ? "bg-sky-50 ring-1 ring-sky-200" : "hover:bg-slate-50"
                }`}
              >
                <span
                  aria-hidden="true"
                  className={`inline-flex size-8 shrink-0 items-center justify-center rounded-full text-sm font-bold ${
                    isDone
                      ? "bg-emerald-600 text-white"
                      : isCurrent
                        ? "bg-sky-700 text-white"
                        : "border border-slate-300 bg-white text-slate-700"
                  }`}
                >
                  {isDone ? <CheckIcon /> : stepNumber(step)}
                </span>
                <span
                  className={`sr-only text-xs leading-snug sm:not-sr-only lg:text-sm ${
                    isCurrent ? "font-semibold text-slate-900" : "text-slate-700"
                  }`}
                >
                  {t(`steps.${step}.short`)}
                </span>{" "}
                <span className="sr-only">({isDone ? t("progress.done") : t("progress.notDone")})</span>
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function CheckIcon() {
  return (
    <svg viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M3.5 8.5l3 3 6-7" />
    </svg>
  );
}
