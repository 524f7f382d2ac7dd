import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { ComplexLeadItem } from "@/lib/leads/mapping";
import { amoFetch } from "./client";

/**
 * The leads endpoints the delivery worker and the settings page use (docs/amocrm-contract.md §11), typed and
 * checked: a body that does not have the documented shape is malformed_response, never a crash further on.
 */

/** amoCRM takes at most 50 leads in one `leads/complex` call (§11.1). */
export const COMPLEX_BATCH_LIMIT = 50;

const complexAnswer = z.array(
  z.object({
    id: z.number().int(),
    contact_id: z.number().int().nullish(),
    request_id: z.array(z.union([z.string(), z.number()])).or(z.union([z.string(), z.number()]).transform((value) => [value])),
    merged: z.boolean().optional(),
  }),
);

export interface CreatedLead {
  amocrmLeadId: number;
  amocrmContactId: number | null;
}

/**
 * Creates up to 50 leads with their contacts in one call. The answer is matched to our leads by `request_id`, never
 * by position (§11.1); a lead amoCRM merged into an existing one maps to that lead.
 */
export async function createComplexLeads(items: readonly ComplexLeadItem[]): Promise<Map<string, CreatedLead>> {
  if (items.length === 0 || items.length > COMPLEX_BATCH_LIMIT) throw new RangeError(`1 to ${COMPLEX_BATCH_LIMIT} leads per call`);
  const { data } = await amoFetch("/api/v4/leads/complex", { method: "POST", json: items, schema: complexAnswer });
  const created = new Map<string, CreatedLead>();
  for (const item of data) {
    for (const requestId of item.request_id) {
      created.set(String(requestId), { amocrmLeadId: item.id, amocrmContactId: item.contact_id ?? null });
    }
  }
  return created;
}

const notesAnswer = z.object({ _embedded: z.object({ notes: z.array(z.object({ id: z.number().int() })) }) });

export interface LeadNote {
  entity_id: number;
  note_type: "common";
  params: { text: string };
  request_id: string;
}

/** Adds text notes to leads, several leads in one call (§11.2). */
export async function addLeadNotes(notes: readonly LeadNote[]): Promise<number> {
  if (notes.length === 0) return 0;
  const { data } = await amoFetch("/api/v4/leads/notes", { method: "POST", json: notes, schema: notesAnswer });
  return data._embedded.notes.length;
}

const leadsSearchAnswer = z
  .object({
    _embedded: z.object({
      leads: z.array(
        z.object({
          id: z.number().int(),
          name: z.string().nullish(),
          _embedded: z.object({ contacts: z.array(z.object({ id: z.number().int() })).optional() }).optional(),
        }),
      ),
    }),
  })
  .nullable();

/**
 * The amoCRM lead whose name carries this exact reference, or null. 204 (amoCRM's empty list, §11.5) is null; a
 * partial match (a longer reference that merely contains this one) is not taken for it.
 */
export async function findLeadByReference(reference: string): Promise<CreatedLead | null> {
  const { data } = await amoFetch(`/api/v4/leads?query=${encodeURIComponent(reference)}&with=contacts&limit=50`, { schema: leadsSearchAnswer });
  const match = data?._embedded.leads.find((lead) => lead.name?.split(/\s+/).includes(reference));
  if (!match) return null;
  return { amocrmLeadId: match.id, amocrmContactId: match._embedded?.contacts?.[0]?.id ?? null };
}

const pipelinesAnswer = z.object({
  _embedded: z.object({
    pipelines: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        is_main: z.boolean().optional(),
        is_unsorted_on: z.boolean().optional(),
        is_archive: z.boolean().optional(),
        _embedded: z.object({
          statuses: z.array(z.object({ id: z.number().int(), name: z.string(), type: z.number().int().optional() })),
        }),
      }),
    ),
  }),
});

export interface Pipeline {
  id: number;
  name: string;
  isMain: boolean;
  hasUnsorted: boolean;
  /** Stages a lead may be put in: not the incoming-leads stage, not won (142) or lost (143). */
  stages: Array<{ id: number; name: string }>;
}

const CLOSED_STAGES = new Set([142, 143]);

/** The account's pipelines with the stages a new lead can start in (§11.3), archived ones left out. */
export async function listPipelines(): Promise<Pipeline[]> {
  const { data } = await amoFetch("/api/v4/leads/pipelines", { schema: pipelinesAnswer });
  return data._embedded.pipelines
    .filter((pipeline) => !pipeline.is_archive)
    .map((pipeline) => ({
      id: pipeline.id,
      name: pipeline.name,
      isMain: pipeline.is_main ?? false,
      hasUnsorted: pipeline.is_unsorted_on ?? false,
      stages: pipeline._embedded.statuses
        .filter((status) => status.type !== 1 && !CLOSED_STAGES.has(status.id))
        .map((status) => ({ id: status.id, name: status.name })),
    }));
}

const customFieldsPage = z
  .object({
    _page_count: z.number().int().optional(),
    _links: z.object({ next: z.object({ href: z.string() }).optional() }).optional(),
    _embedded: z.object({ custom_fields: z.array(z.object({ id: z.number().int(), code: z.string().nullish(), type: z.string() })) }),
  })
  .nullable();

// A runaway `next` link must not turn into an endless loop of calls.
const MAX_FIELD_PAGES = 20;

/** The codes of the account's tracking (UTM) lead fields (§11.4); only these may be sent. */
export async function listTrackingFieldCodes(): Promise<string[]> {
  const codes: string[] = [];
  for (let page = 1; page <= MAX_FIELD_PAGES; page += 1) {
    const { data } = await amoFetch(`/api/v4/leads/custom_fields?limit=250&page=${page}`, { schema: customFieldsPage });
    if (!data) break;
    for (const field of data._embedded.custom_fields) {
      if (field.type === "tracking_data" && field.code) codes.push(field.code.toUpperCase());
    }
    if (!data._links?.next) break;
  }
  return codes;
}

/** For callers that need to tell amoCRM's refusal of the data apart from other failures. */
export function isRefusal(error: unknown): error is AppError {
  return error instanceof AppError && error.code === "amocrm_refused_lead";
}
