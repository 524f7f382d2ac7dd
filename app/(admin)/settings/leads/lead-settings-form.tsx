"use client";

import { useActionState, useState, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SelectField } from "@/components/ui/select-field";
import { MAX_TAG_LENGTH, MAX_TAGS, MAX_TEMPLATE_LENGTH, TEMPLATE_PLACEHOLDERS } from "@/lib/leads/mapping";
import type { PipelineChoice } from "@/lib/leads/settings-form";
import { saveLeadSettingsAction, type LeadSettingsFormState, type LeadSettingsValues } from "./actions";

const PLACEHOLDER_LIST = TEMPLATE_PLACEHOLDERS.map((name) => `{${name}}`).join(", ");

/**
 * The lead settings form. Destination, pipeline and stage are held in state because the stage list follows the
 * chosen pipeline; the text inputs show what was last submitted (React resets a form after its action).
 * `pipelines` is null when amoCRM could not be read: then only Incoming leads, or the saved pipeline as it is, can
 * be submitted.
 */
export function LeadSettingsForm({
  pipelines,
  saved,
  initialPreview,
}: {
  pipelines: PipelineChoice[] | null;
  saved: LeadSettingsValues;
  initialPreview: string;
}) {
  const t = useTranslations("leadSettings.form");
  const [state, action, pending] = useActionState<LeadSettingsFormState, FormData>(saveLeadSettingsAction, {});
  const [destination, setDestination] = useState(saved.destination);
  const [pipelineId, setPipelineId] = useState(saved.pipelineId);
  const [statusId, setStatusId] = useState(saved.statusId);
  const values = state.values ?? saved;
  const errors = state.fieldErrors ?? {};

  // Without the account's list, the saved pipeline is the only one that can be kept.
  const choices: PipelineChoice[] =
    pipelines ??
    (saved.pipelineId && saved.statusId
      ? [{ id: Number(saved.pipelineId), name: t("savedPipeline", { id: saved.pipelineId }), stages: [{ id: Number(saved.statusId), name: t("savedStage", { id: saved.statusId }) }] }]
      : []);
  const stages = choices.find((pipeline) => String(pipeline.id) === pipelineId)?.stages ?? [];
  const pipelineDisabled = destination !== "pipeline";

  return (
    <form aria-label={t("label")} action={action} className="space-y-6" noValidate>
      <div aria-live="polite">
        {state.status === "saved" && (
          <Alert tone="success" role="status">
            {state.message}
          </Alert>
        )}
        {state.status === "invalid" && state.message && (
          <Alert tone="error" role={null}>
            {state.message}
          </Alert>
        )}
      </div>

      <fieldset aria-describedby={errors.destination?.length ? "destination-error" : undefined} className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">{t("destination")}</legend>
        <DestinationOption
          value="unsorted"
          checked={destination === "unsorted"}
          onChange={setDestination}
          label={t("unsorted")}
          hint={t("unsortedHint")}
        />
        <DestinationOption
          value="pipeline"
          checked={destination === "pipeline"}
          onChange={setDestination}
          label={t("pipeline")}
          hint={t("pipelineHint")}
          disabled={choices.length === 0}
        >
          <div className="mt-3 grid gap-4 sm:grid-cols-2">
            <SelectField
              name="pipelineId"
              label={t("pipelineSelect")}
              value={pipelineId}
              disabled={pipelineDisabled}
              errors={errors.pipelineId}
              onChange={(event) => {
                setPipelineId(event.target.value);
                setStatusId("");
              }}
            >
              <option value="">{t("choose")}</option>
              {choices.map((pipeline) => (
                <option key={pipeline.id} value={String(pipeline.id)}>
                  {pipeline.name}
                </option>
              ))}
            </SelectField>
            <SelectField
              name="statusId"
              label={t("stageSelect")}
              value={statusId}
              disabled={pipelineDisabled}
              errors={errors.statusId}
              onChange={(event) => setStatusId(event.target.value)}
            >
              <option value="">{t("choose")}</option>
              {stages.map((stage) => (
                <option key={stage.id} value={String(stage.id)}>
                  {stage.name}
                </option>
              ))}
            </SelectField>
          </div>
        </DestinationOption>
        <div id="destination-error" aria-live="polite">
          {errors.destination?.map((error) => (
            <p key={error} className="mt-1 text-sm text-red-700">
              {error}
            </p>
          ))}
        </div>
      </fieldset>

      <Field
        name="nameTemplate"
        label={t("nameTemplate")}
        hint={t("nameTemplateHint", { placeholders: PLACEHOLDER_LIST, max: MAX_TEMPLATE_LENGTH })}
        defaultValue={values.nameTemplate}
        autoComplete="off"
        spellCheck={false}
        errors={errors.nameTemplate}
        aria-describedby="name-preview"
      >
        <p className="mt-2 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-900">
          <span id="name-preview-label" className="font-medium">
            {t("preview")}
          </span>
          {": "}
          <output id="name-preview" htmlFor="nameTemplate" aria-labelledby="name-preview-label" className="break-words">
            {state.preview ?? initialPreview}
          </output>
        </p>
      </Field>

      <Field
        name="tags"
        label={t("tags")}
        hint={t("tagsHint", { maxTags: MAX_TAGS, maxLength: MAX_TAG_LENGTH })}
        defaultValue={values.tags}
        autoComplete="off"
        errors={errors.tags}
      />

      <div className="flex flex-wrap gap-3">
        {/* Save comes first: Enter in a text field presses the form's first submit button. */}
        <Button type="submit" disabled={pending}>
          {pending ? t("submitting") : t("submit")}
        </Button>
        <Button type="submit" name="intent" value="preview" variant="secondary" disabled={pending}>
          {t("previewButton")}
        </Button>
      </div>
    </form>
  );
}

function DestinationOption({
  value,
  checked,
  onChange,
  label,
  hint,
  disabled = false,
  children,
}: {
  value: string;
  checked: boolean;
  onChange: (value: string) => void;
  label: string;
  hint: string;
  disabled?: boolean;
  children?: ReactNode;
}) {
  const id = `destination-${value}`;
  return (
    // Styled from `checked`, not :has(:checked): a selected <option> in the selects below matches :checked too.
    <div className={`rounded-md border px-3 py-3 ${checked ? "border-sky-600 bg-sky-50" : "border-slate-300 bg-white"}`}>
      <label htmlFor={id} className="flex items-start gap-2 text-sm font-medium text-slate-900">
        <input
          id={id}
          type="radio"
          name="destination"
          value={value}
          checked={checked}
          disabled={disabled}
          onChange={() => onChange(value)}
          aria-describedby={`${id}-hint`}
          className="mt-0.5 accent-sky-700"
        />
        {label}
      </label>
      <p id={`${id}-hint`} className="mt-1 pl-6 text-xs text-slate-600">
        {hint}
      </p>
      {children && <div className="pl-6">{children}</div>}
    </div>
  );
}
