import type { LeadInput, UtmKey } from "./input";

/**
 * Where a website lead goes in amoCRM and how it looks there: the admin's settings (/settings/leads) applied to one
 * lead, giving one item of `POST /api/v4/leads/complex` (docs/amocrm-contract.md §11.1). Pure: no I/O.
 */

export type LeadDestination = { kind: "unsorted" } | { kind: "pipeline"; pipelineId: number; statusId: number };

export interface LeadSettings {
  destination: LeadDestination;
  /** `{name}`, `{source}`, `{phone}`, `{email}` and `{page}` are replaced; the lead's own id is always appended. */
  nameTemplate: string;
  tags: string[];
  /** The UTM field codes the account has (read from its lead fields); only these are sent. */
  utmFieldCodes: string[];
}

export const DEFAULT_LEAD_SETTINGS: LeadSettings = {
  destination: { kind: "unsorted" },
  nameTemplate: "{name} — {source}",
  tags: ["website"],
  utmFieldCodes: [],
};

export const TEMPLATE_PLACEHOLDERS = ["name", "source", "phone", "email", "page"] as const;
export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 50;
export const MAX_TEMPLATE_LENGTH = 200;
// amoCRM keeps a lead name of up to 255 characters; the id suffix must survive the cut.
const MAX_LEAD_NAME = 255;

const UTM_FIELD_CODE: Record<UtmKey, string> = {
  source: "UTM_SOURCE",
  medium: "UTM_MEDIUM",
  campaign: "UTM_CAMPAIGN",
  content: "UTM_CONTENT",
  term: "UTM_TERM",
};
export const UTM_FIELD_CODES: readonly string[] = Object.values(UTM_FIELD_CODE);

export interface StoredLead extends LeadInput {
  id: string;
  createdAt: Date;
}

export interface ComplexLeadItem {
  name: string;
  request_id: string;
  pipeline_id?: number;
  status_id?: number;
  custom_fields_values?: Array<{ field_code: string; values: Array<{ value: string }> }>;
  _embedded: {
    tags?: Array<{ name: string }>;
    contacts: Array<{
      name: string;
      custom_fields_values?: Array<{ field_code: "PHONE" | "EMAIL"; values: Array<{ value: string; enum_code: "WORK" }> }>;
    }>;
    metadata?: {
      category: "forms";
      form_id: string;
      form_name: string;
      form_page: string;
      form_sent_at: number;
    };
  };
}

/**
 * The lead's reference in amoCRM: its name ends with it, so after a crash in the middle of a send the lead can be
 * found again by this value alone (`GET /api/v4/leads?query=`, §11.5); a note is not searched.
 */
export function leadReference(id: string): string {
  return `#${id}`;
}

export function renderLeadName(template: string, lead: Pick<StoredLead, "id" | "name" | "source" | "phone" | "email" | "pageUrl">): string {
  const values: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string> = {
    name: lead.name,
    source: lead.source ?? "website",
    phone: lead.phone ?? "",
    email: lead.email ?? "",
    page: lead.pageUrl ?? "",
  };
  const rendered = template
    .replace(/\{(name|source|phone|email|page)\}/g, (_, key: keyof typeof values) => values[key])
    .replace(/\s+/g, " ")
    .trim();
  const reference = leadReference(lead.id);
  const room = MAX_LEAD_NAME - reference.length - 1;
  return `${(rendered || lead.name).slice(0, room)} ${reference}`;
}

export function toComplexLead(lead: StoredLead, settings: LeadSettings, { formPage }: { formPage: string }): ComplexLeadItem {
  const contactFields: NonNullable<ComplexLeadItem["_embedded"]["contacts"][number]["custom_fields_values"]> = [];
  if (lead.phone) contactFields.push({ field_code: "PHONE", values: [{ value: lead.phone, enum_code: "WORK" }] });
  if (lead.email) contactFields.push({ field_code: "EMAIL", values: [{ value: lead.email, enum_code: "WORK" }] });

  const available = new Set(settings.utmFieldCodes);
  const utmValues = (Object.keys(UTM_FIELD_CODE) as UtmKey[])
    .filter((key) => lead.utm[key] && available.has(UTM_FIELD_CODE[key]))
    .map((key) => ({ field_code: UTM_FIELD_CODE[key], values: [{ value: lead.utm[key] as string }] }));

  const item: ComplexLeadItem = {
    name: renderLeadName(settings.nameTemplate, lead),
    request_id: lead.id,
    _embedded: {
      contacts: [{ name: lead.name, ...(contactFields.length > 0 ? { custom_fields_values: contactFields } : {}) }],
    },
  };
  if (utmValues.length > 0) item.custom_fields_values = utmValues;
  if (settings.tags.length > 0) item._embedded.tags = settings.tags.map((name) => ({ name }));
  if (settings.destination.kind === "pipeline") {
    item.pipeline_id = settings.destination.pipelineId;
    item.status_id = settings.destination.statusId;
  } else {
    item._embedded.metadata = {
      category: "forms",
      form_id: lead.source ?? "website",
      form_name: lead.source ?? "website",
      form_page: lead.pageUrl ?? formPage,
      form_sent_at: Math.floor(lead.createdAt.getTime() / 1000),
    };
  }
  return item;
}

/** The visitor's message as a common note on the created lead (§11.2), or null when there is none. */
export function toLeadNote(lead: Pick<StoredLead, "id" | "message">, amocrmLeadId: number) {
  if (!lead.message) return null;
  return { entity_id: amocrmLeadId, note_type: "common" as const, params: { text: lead.message }, request_id: lead.id };
}
