import { z } from "zod";
import { MAX_TAG_LENGTH, MAX_TAGS, MAX_TEMPLATE_LENGTH, TEMPLATE_PLACEHOLDERS, type LeadSettings } from "./mapping";

/**
 * The rules of the /settings/leads form, with message keys (leadSettings.errors.*) instead of texts so one schema
 * serves every language and the unit tests. Pure: no I/O, no server-only imports.
 */

export type LeadSettingsErrorKey =
  | "destination"
  | "pipelineRequired"
  | "pipelineUnknown"
  | "pipelinesUnavailable"
  | "stageRequired"
  | "stageUnknown"
  | "templateRequired"
  | "templateTooLong"
  | "templateUnknownPlaceholder"
  | "templateBraces"
  | "tagsTooMany"
  | "tagTooLong";

/** The form's inputs, by name: errors come back keyed the same way. */
export type LeadSettingsField = "destination" | "pipelineId" | "statusId" | "nameTemplate" | "tags";

/** What the form needs of a pipeline read from the account. */
export interface PipelineChoice {
  id: number;
  name: string;
  stages: ReadonlyArray<{ id: number; name: string }>;
}

/** The lead the template preview is rendered for. */
export const SAMPLE_LEAD = {
  id: "3f2b8c1e-7a4d-4e9b-9c0a-5d6e7f8a9b0c",
  name: "Ali Valiyev",
  source: "contact-form",
  phone: "+998901234567",
  email: "ali@example.uz",
  pageUrl: "https://example.uz/contact",
} as const;

/**
 * Tags as the admin typed them, comma-separated: trimmed, inner whitespace collapsed, empty ones dropped, and
 * duplicates (ignoring case, as amoCRM matches tag names) dropped after their first spelling.
 */
export function parseTags(raw: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const part of raw.split(",")) {
    const tag = part.replace(/\s+/g, " ").trim();
    const key = tag.toLocaleLowerCase();
    if (tag === "" || seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
}

const KNOWN_PLACEHOLDERS: ReadonlySet<string> = new Set(TEMPLATE_PLACEHOLDERS);

/**
 * What is wrong with a template's placeholders: names in braces the renderer does not know (each once, in order),
 * and whether a brace is left without its pair (`{name`), which would reach amoCRM as literal text.
 */
export function templateProblems(template: string): { unknown: string[]; unbalanced: boolean } {
  const unknown: string[] = [];
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1] ?? "";
    if (!KNOWN_PLACEHOLDERS.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  const unbalanced = /[{}]/.test(template.replace(/\{[^{}]*\}/g, ""));
  return { unknown, unbalanced };
}

export const nameTemplateSchema = z
  .string()
  .trim()
  .min(1, "templateRequired" satisfies LeadSettingsErrorKey)
  .max(MAX_TEMPLATE_LENGTH, "templateTooLong" satisfies LeadSettingsErrorKey)
  .superRefine((template, context) => {
    const { unknown, unbalanced } = templateProblems(template);
    if (unknown.length > 0) {
      context.addIssue({
        code: "custom",
        message: "templateUnknownPlaceholder" satisfies LeadSettingsErrorKey,
        params: { names: unknown.map((name) => `{${name}}`).join(", ") },
      });
    }
    if (unbalanced) context.addIssue({ code: "custom", message: "templateBraces" satisfies LeadSettingsErrorKey });
  });

export const tagsSchema = z
  .string()
  .transform(parseTags)
  .superRefine((tags, context) => {
    if (tags.length > MAX_TAGS) context.addIssue({ code: "custom", message: "tagsTooMany" satisfies LeadSettingsErrorKey, params: { count: tags.length } });
    const long = tags.filter((tag) => tag.length > MAX_TAG_LENGTH);
    if (long.length > 0) context.addIssue({ code: "custom", message: "tagTooLong" satisfies LeadSettingsErrorKey, params: { tags: long.join(", ") } });
  });

/** The Preview button checks the template alone: the rest of the form may still be half-filled. */
export const previewSchema = z.object({ nameTemplate: nameTemplateSchema });

const positiveId = z.string().trim().regex(/^[1-9]\d{0,15}$/).transform(Number);

/**
 * `pipelines` is the account's list as amoCRM gives it now, or null when it cannot be read. Then only the saved
 * pipeline and stage (`kept`) may be submitted again unchecked, so a tag or template change still saves while amoCRM
 * is away; any other pipeline choice waits until the list can be read.
 */
export function destinationSchema({
  pipelines,
  kept,
}: {
  pipelines: readonly PipelineChoice[] | null;
  kept: { pipelineId: number; statusId: number } | null;
}) {
  return z
    .object({
      destination: z.enum(["unsorted", "pipeline"], { message: "destination" satisfies LeadSettingsErrorKey }),
      pipelineId: z.string(),
      statusId: z.string(),
    })
    .transform((value, context): LeadSettings["destination"] => {
      if (value.destination === "unsorted") return { kind: "unsorted" };

      const issue = (path: "pipelineId" | "statusId", message: LeadSettingsErrorKey) => context.addIssue({ code: "custom", path: [path], message });
      const pipelineId = positiveId.safeParse(value.pipelineId);
      const statusId = positiveId.safeParse(value.statusId);
      if (!pipelineId.success) issue("pipelineId", "pipelineRequired");
      if (!statusId.success) issue("statusId", "stageRequired");
      if (!pipelineId.success || !statusId.success) return z.NEVER;

      const chosen = { kind: "pipeline" as const, pipelineId: pipelineId.data, statusId: statusId.data };
      if (pipelines === null) {
        if (kept?.pipelineId === chosen.pipelineId && kept.statusId === chosen.statusId) return chosen;
        issue("pipelineId", "pipelinesUnavailable");
        return z.NEVER;
      }
      const pipeline = pipelines.find((candidate) => candidate.id === chosen.pipelineId);
      if (!pipeline) {
        issue("pipelineId", "pipelineUnknown");
        return z.NEVER;
      }
      if (!pipeline.stages.some((stage) => stage.id === chosen.statusId)) {
        issue("statusId", "stageUnknown");
        return z.NEVER;
      }
      return chosen;
    });
}

const textsSchema = z.object({ nameTemplate: nameTemplateSchema, tags: tagsSchema });

export type LeadSettingsParse =
  | { success: true; data: Omit<LeadSettings, "utmFieldCodes"> }
  | { success: false; fieldErrors: Partial<Record<LeadSettingsField, LeadSettingsFieldError[]>> };

/**
 * The whole form. The destination and the texts are parsed apart and their errors merged, so a bad template does
 * not hide a missing stage: the admin sees every field's problem after one submit.
 */
export function parseLeadSettingsForm(input: Record<LeadSettingsField, string>, options: Parameters<typeof destinationSchema>[0]): LeadSettingsParse {
  const destination = destinationSchema(options).safeParse(input);
  const texts = textsSchema.safeParse(input);
  if (destination.success && texts.success) return { success: true, data: { destination: destination.data, ...texts.data } };
  return {
    success: false,
    fieldErrors: {
      ...(destination.success ? {} : leadSettingsFieldErrors(destination.error)),
      ...(texts.success ? {} : leadSettingsFieldErrors(texts.error)),
    },
  };
}

/** Where a saved pipeline destination stands against the account's current pipelines. */
export function checkSavedDestination(
  destination: LeadSettings["destination"],
  pipelines: readonly PipelineChoice[],
): { kind: "unsorted" } | { kind: "ok"; pipeline: string; stage: string } | { kind: "missing"; pipelineId: number; statusId: number } {
  if (destination.kind === "unsorted") return { kind: "unsorted" };
  const pipeline = pipelines.find((candidate) => candidate.id === destination.pipelineId);
  const stage = pipeline?.stages.find((candidate) => candidate.id === destination.statusId);
  if (!pipeline || !stage) return { kind: "missing", pipelineId: destination.pipelineId, statusId: destination.statusId };
  return { kind: "ok", pipeline: pipeline.name, stage: stage.name };
}

export interface LeadSettingsFieldError {
  key: LeadSettingsErrorKey;
  params: Record<string, string | number>;
}

/** The issues of a failed parse per input name, each with its message key and the values its message names. */
export function leadSettingsFieldErrors(error: z.ZodError): Partial<Record<LeadSettingsField, LeadSettingsFieldError[]>> {
  const flattened = z.flattenError(error, (issue) => ({
    key: issue.message as LeadSettingsErrorKey,
    params: (issue.code === "custom" ? (issue.params as Record<string, string | number> | undefined) : undefined) ?? {},
  }));
  return flattened.fieldErrors as Partial<Record<LeadSettingsField, LeadSettingsFieldError[]>>;
}
