"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import type { FieldErrors } from "@/components/ui/field";
import { formText } from "@/lib/amocrm/credentials";
import { requireAdmin } from "@/lib/auth/session";
import { getLeadSettings, saveLeadSettings } from "@/lib/db/lead-settings";
import { readPipelines } from "@/lib/leads/account-lists";
import { MAX_TAG_LENGTH, MAX_TAGS, MAX_TEMPLATE_LENGTH, renderLeadName, TEMPLATE_PLACEHOLDERS } from "@/lib/leads/mapping";
import {
  leadSettingsFieldErrors,
  parseLeadSettingsForm,
  previewSchema,
  SAMPLE_LEAD,
  type LeadSettingsErrorKey,
  type LeadSettingsField,
  type LeadSettingsFieldError,
} from "@/lib/leads/settings-form";

export type LeadSettingsValues = Record<LeadSettingsField, string>;

export type LeadSettingsFormState = {
  status?: "saved" | "invalid" | "preview";
  message?: string;
  /** The lead name the submitted template gives the sample lead, when the template is valid. */
  preview?: string;
  fieldErrors?: FieldErrors<LeadSettingsField>;
  /** What the admin submitted, so the form shows it again after React resets it. */
  values?: LeadSettingsValues;
};

/** The limit each message names as {max}. */
const MAX_OF: Partial<Record<LeadSettingsErrorKey, number>> = {
  templateTooLong: MAX_TEMPLATE_LENGTH,
  tagsTooMany: MAX_TAGS,
  tagTooLong: MAX_TAG_LENGTH,
};

const FIELDS: readonly LeadSettingsField[] = ["destination", "pipelineId", "statusId", "nameTemplate", "tags"];

export async function saveLeadSettingsAction(_prev: LeadSettingsFormState, formData: FormData): Promise<LeadSettingsFormState> {
  const admin = await requireAdmin();
  const t = await getTranslations("leadSettings");
  const values = Object.fromEntries(FIELDS.map((name) => [name, formText(formData, name).slice(0, 2_000)])) as LeadSettingsValues;
  const translate = (errors: Partial<Record<LeadSettingsField, LeadSettingsFieldError[]>>): FieldErrors<LeadSettingsField> =>
    Object.fromEntries(
      Object.entries(errors).map(([field, list]) => [
        field,
        list.map(({ key, params }) =>
          t(`errors.${key}`, { placeholders: TEMPLATE_PLACEHOLDERS.map((name) => `{${name}}`).join(", "), example: "{name}", max: MAX_OF[key] ?? 0, ...params }),
        ),
      ]),
    );

  if (formText(formData, "intent") === "preview") {
    const template = previewSchema.safeParse(values);
    if (!template.success) return { status: "invalid", fieldErrors: translate(leadSettingsFieldErrors(template.error)), values };
    return { status: "preview", preview: renderLeadName(template.data.nameTemplate, SAMPLE_LEAD), values };
  }

  const saved = await getLeadSettings();
  // A pipeline is checked against the account as it is now, not as the page showed it; Incoming leads needs no call.
  const pipelines = values.destination === "pipeline" ? await readPipelines() : null;
  const parsed = parseLeadSettingsForm(values, {
    pipelines: pipelines?.ok ? pipelines.value : null,
    kept: saved.destination.kind === "pipeline" ? saved.destination : null,
  });
  if (!parsed.success) return { status: "invalid", message: t("invalid"), fieldErrors: translate(parsed.fieldErrors), values };

  await saveLeadSettings({ settings: parsed.data, updatedBy: admin.email });
  revalidatePath("/settings/leads");
  return {
    status: "saved",
    message: t("saved"),
    preview: renderLeadName(parsed.data.nameTemplate, SAMPLE_LEAD),
    values: { ...values, nameTemplate: parsed.data.nameTemplate, tags: parsed.data.tags.join(", ") },
  };
}
