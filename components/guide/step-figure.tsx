import { getTranslations } from "next-intl/server";
import { StepIllustration } from "./illustrations";
import { getLiveValues } from "./live-values";
import type { GuideStep } from "./steps";
import { UiText, splitLines } from "./ui-text";

/** A step's mock-up with its numbered legend; the SVG carries its own title and description. */
export async function StepFigure({ step }: { step: GuideStep }) {
  const t = await getTranslations("guide");
  const live = getLiveValues();
  const callouts = splitLines(t(`steps.${step}.callouts`));
  return (
    <figure className="overflow-hidden rounded-2xl border border-slate-200 bg-gradient-to-b from-slate-50 to-slate-100">
      <div className="px-2 pt-4 pb-2 sm:px-8 sm:pt-8">
        <div className="mx-auto max-w-[560px]">
          <StepIllustration
            step={step}
            title={t(`steps.${step}.figure.title`)}
            desc={t(`steps.${step}.figure.desc`, live)}
            values={{
              redirectUri: live.redirectUri,
              hookUrl: live.hookUrl,
              exampleName: t("figure.exampleName", live),
              exampleDescription: t("figure.exampleDescription"),
              website: {
                leadsApiUrl: live.leadsApiUrl,
                keyNameLabel: t("figure.keyNameLabel"),
                createKey: t("figure.createKey"),
                siteServer: t("figure.siteServer"),
              },
            }}
          />
        </div>
      </div>
      <figcaption className="border-t border-slate-200 bg-white px-4 py-4 text-sm text-slate-700 sm:px-6">
        <p className="font-semibold text-slate-900">{t("figure.legend")}</p>
        <ol className="mt-2 space-y-2">
          {callouts.map((callout, index) => (
            <li key={callout} className="flex gap-3">
              <span
                aria-hidden="true"
                className="mt-0.5 inline-flex size-6 shrink-0 items-center justify-center rounded-full bg-orange-700 text-xs font-bold text-white"
              >
                {index + 1}
              </span>
              <span className="[overflow-wrap:anywhere]">
                <UiText text={callout} />
              </span>
            </li>
          ))}
        </ol>
        {/* The website step draws this dashboard's own screen, which does not change under the admin's feet. */}
        {step !== "connect-website" && <p className="mt-3 text-xs text-slate-600">{t("figure.uiNote")}</p>}
      </figcaption>
    </figure>
  );
}
