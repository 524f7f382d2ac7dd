import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { GuideProgress } from "@/components/guide/guide-progress";
import { MarkDoneForm } from "@/components/guide/mark-done-form";
import { ServerAddresses } from "@/components/guide/server-addresses";
import { StepFigure } from "@/components/guide/step-figure";
import { StepNav } from "@/components/guide/step-nav";
import {
  BeforeYouStart,
  FinishCallToAction,
  ImportantNote,
  KeysMapping,
  KommoNote,
  LongLivedToken,
  StepInstructions,
  WebsiteConnection,
} from "@/components/guide/step-sections";
import {
  CONNECT_HREF,
  GUIDE_STEPS,
  STATUS_HREF,
  TROUBLESHOOTING_HREF,
  doneSteps,
  isGuideStep,
  stepDoneReason,
  stepNumber,
} from "@/components/guide/steps";
import { TroubleshootingLink } from "@/components/guide/troubleshooting-link";
import { RELATED_PROBLEM_OF } from "@/components/guide/troubleshooting-topics";
import { Alert } from "@/components/ui/alert";
import { getSetupProgress } from "@/lib/amocrm/progress";
import { requireAdmin } from "@/lib/auth/session";
import { listDoneSteps } from "@/lib/db/guide-progress";

interface Props {
  params: Promise<{ step: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { step } = await params;
  const t = await getTranslations("guide");
  if (!isGuideStep(step)) return { title: t("meta.title") };
  return {
    title: t("meta.stepTitle", { number: stepNumber(step), title: t(`steps.${step}.title`) }),
    description: t("meta.description"),
  };
}

/** /guide/<step>: one step of the illustrated amoCRM setup guide. */
export default async function GuideStepPage({ params }: Props) {
  const { step } = await params;
  if (!isGuideStep(step)) notFound();
  const admin = await requireAdmin();
  const progress = await getSetupProgress();
  const marked = (await listDoneSteps({ adminId: admin.id })).filter(isGuideStep);
  const t = await getTranslations("guide");
  const tt = await getTranslations("troubleshooting");
  const related = RELATED_PROBLEM_OF[step];

  return (
    <div className="mx-auto w-full max-w-6xl">
      <div className="grid gap-6 lg:grid-cols-[15rem_minmax(0,1fr)] lg:gap-10">
        <div className="lg:sticky lg:top-6 lg:self-start">
          <GuideProgress current={step} done={doneSteps(progress, marked)} />
        </div>

        <div className="min-w-0 space-y-8">
          <header>
            <p className="text-sm font-medium text-sky-800">
              {t("eyebrow")} · {t("stepOf", { number: stepNumber(step), total: GUIDE_STEPS.length })}
            </p>
            <h1 className="mt-1 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{t(`steps.${step}.title`)}</h1>
            <p className="mt-3 max-w-prose text-slate-700">{t(`steps.${step}.intro`)}</p>
          </header>

          {progress.connected ? (
            <Alert tone="success" title={t("state.connected.title")}>
              <p>{t("state.connected.body")}</p>
              <Link href={STATUS_HREF} className="mt-1 inline-block font-semibold underline underline-offset-2">
                {t("state.connected.link")}
              </Link>
            </Alert>
          ) : progress.credentialsSaved ? (
            <Alert tone="info" title={t("state.credentialsSaved.title")}>
              <p>{t("state.credentialsSaved.body")}</p>
              <Link href={CONNECT_HREF} className="mt-1 inline-block font-semibold underline underline-offset-2">
                {t("state.credentialsSaved.link")}
              </Link>
            </Alert>
          ) : null}

          {step === "sign-in" && <BeforeYouStart />}
          <StepInstructions step={step} />
          <StepFigure step={step} />

          {step === "fill-form" && (
            <>
              <ServerAddresses />
              <ImportantNote name="exactMatch" />
            </>
          )}
          {step === "copy-keys" && (
            <>
              <KeysMapping />
              <ImportantNote name="secretOnce" />
              <ImportantNote name="keepPrivate" />
            </>
          )}

          {step === "connect-website" && (
            <>
              <WebsiteConnection />
              <ImportantNote name="keyOnServer" />
            </>
          )}

          <KommoNote step={step} />
          {step === "copy-keys" && <LongLivedToken />}

          <MarkDoneForm step={step} reason={stepDoneReason(step, progress, marked)} />
          {step === "copy-keys" && <FinishCallToAction />}

          <p className="text-sm text-slate-700">
            {t("help.text")}{" "}
            <Link href={TROUBLESHOOTING_HREF} className="font-medium text-sky-800 underline underline-offset-2 hover:text-sky-950">
              {t("help.link")}
            </Link>
            <br />
            {t("help.related")}{" "}
            <TroubleshootingLink code={related}>{tt(`entries.${related}.title`)}</TroubleshootingLink>
          </p>

          <StepNav step={step} />
        </div>
      </div>
    </div>
  );
}
