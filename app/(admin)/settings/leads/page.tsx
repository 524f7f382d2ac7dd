import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { ErrorExplanation } from "@/components/amocrm/error-explanation";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { getLeadSettings } from "@/lib/db/lead-settings";
import { readPipelines, readUtmFieldCodes } from "@/lib/leads/account-lists";
import { renderLeadName, type LeadSettings } from "@/lib/leads/mapping";
import { checkSavedDestination, SAMPLE_LEAD, type PipelineChoice } from "@/lib/leads/settings-form";
import { LeadSettingsForm } from "./lead-settings-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("leadSettings");
  return { title: t("title") };
}

/**
 * The pipeline and stage the form starts with. One the account no longer has is left unchosen, so the admin picks
 * again instead of saving it unseen; without the account's list the saved ones stand.
 */
function savedChoice(destination: LeadSettings["destination"], pipelines: readonly PipelineChoice[] | null): { pipelineId: string; statusId: string } {
  if (destination.kind === "unsorted") return { pipelineId: "", statusId: "" };
  if (!pipelines) return { pipelineId: String(destination.pipelineId), statusId: String(destination.statusId) };
  const pipeline = pipelines.find((candidate) => candidate.id === destination.pipelineId);
  const stage = pipeline?.stages.find((candidate) => candidate.id === destination.statusId);
  return { pipelineId: pipeline ? String(pipeline.id) : "", statusId: stage ? String(stage.id) : "" };
}

export default async function LeadSettingsPage() {
  const [t, format, messages] = await Promise.all([getTranslations("leadSettings"), getFormatter(), getMessages()]);
  // Read live on every visit: the admin picks from the account as it is now, and the worker gets the fresh UTM list.
  const [settings, pipelines, utmCodes] = await Promise.all([getLeadSettings(), readPipelines(), readUtmFieldCodes()]);
  const destination = settings.destination;
  const savedCheck = pipelines.ok ? checkSavedDestination(destination, pipelines.value) : null;
  const saved = { destination: destination.kind, ...savedChoice(destination, pipelines.ok ? pipelines.value : null), nameTemplate: settings.nameTemplate, tags: settings.tags.join(", ") };
  const knownUtm = utmCodes.ok ? utmCodes.value : settings.utmFieldCodes;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{t("title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
      </div>

      <Alert tone="info" role={null}>
        {t("appliesToNew")}
      </Alert>

      {!pipelines.ok && (
        <div className="space-y-2" data-testid="pipelines-unavailable">
          <p className="text-sm text-slate-800">
            {t("pipelinesUnavailable")}{" "}
            <Link href="/connect" className="font-medium text-sky-800 underline">
              {t("connectLink")}
            </Link>
          </p>
          <ErrorExplanation code={pipelines.code} detail={pipelines.detail} tone="warning" />
        </div>
      )}

      {savedCheck?.kind === "missing" && (
        <Alert tone="warning">{t("savedMissing", { pipelineId: savedCheck.pipelineId, statusId: savedCheck.statusId })}</Alert>
      )}

      <Card title={t("form.label")}>
        <p className="mb-4 text-sm text-slate-700" data-testid="current-destination">
          {destination.kind === "unsorted"
            ? t("now.unsorted")
            : savedCheck?.kind === "ok"
              ? t("now.pipeline", { pipeline: savedCheck.pipeline, stage: savedCheck.stage })
              : t("now.pipelineIds", { pipelineId: destination.pipelineId, statusId: destination.statusId })}
        </p>
        <NextIntlClientProvider messages={{ leadSettings: { form: messages.leadSettings.form } }}>
          <LeadSettingsForm
            pipelines={pipelines.ok ? pipelines.value.map(({ id, name, stages }) => ({ id, name, stages })) : null}
            saved={saved}
            initialPreview={renderLeadName(settings.nameTemplate, SAMPLE_LEAD)}
          />
        </NextIntlClientProvider>
        {settings.updatedAt && settings.updatedBy && (
          <p className="mt-4 text-xs text-slate-600">{t("lastSaved", { date: format.dateTime(settings.updatedAt, "moment"), email: settings.updatedBy })}</p>
        )}
      </Card>

      <Card title={t("utm.title")}>
        <div className="space-y-2 text-sm text-slate-700">
          <p>{t("utm.intro")}</p>
          {!utmCodes.ok && <p className="font-medium text-amber-900">{t("utm.unavailable")}</p>}
          {utmCodes.ok ? (
            <p data-testid="utm-fields">{knownUtm.length > 0 ? t("utm.has", { codes: knownUtm.join(", ") }) : t("utm.none")}</p>
          ) : (
            knownUtm.length > 0 && <p data-testid="utm-fields">{t("utm.lastKnown", { codes: knownUtm.join(", ") })}</p>
          )}
          {settings.utmFieldsCheckedAt && !utmCodes.ok && <p className="text-xs text-slate-600">{t("utm.checkedAt", { date: format.dateTime(settings.utmFieldsCheckedAt, "moment") })}</p>}
        </div>
      </Card>
    </div>
  );
}
