// The leads API of docs/amocrm-contract.md §11: leads/complex, notes, pipelines, lead custom fields and the lead list/search.
// Handlers return a Reply instead of writing it, so a "process, then fail" fault can do the work and drop the answer.
import { accountHost, type FakeConfig } from "./config";
import type { FaultTarget } from "./faults";
import { halReply, noContent, problemReply, type Reply } from "./http";
import {
  leadFields,
  PIPELINES,
  type StoredContact,
  type StoredFieldValues,
  type StoredLead,
} from "./leads-store";
import { checkComplexBody, checkNotesBody, type ComplexItem } from "./leads-validate";
import { validationFailed } from "./problems";
import type { FakeState } from "./state";

export type LeadsRoute =
  | "leadsComplex"
  | "leadsNotes"
  | "leadNotes"
  | "pipelines"
  | "customFields"
  | "leadsList"
  | "leadGet";

const LEAD_ID_NOTES = /^\/api\/v4\/leads\/(\d+)\/notes$/;
const LEAD_ID = /^\/api\/v4\/leads\/(\d+)$/;

export function matchLeadsRoute(method: string, path: string): LeadsRoute | undefined {
  if (method === "POST" && path === "/api/v4/leads/complex") return "leadsComplex";
  if (method === "POST" && path === "/api/v4/leads/notes") return "leadsNotes";
  if (method === "POST" && LEAD_ID_NOTES.test(path)) return "leadNotes";
  if (method === "GET" && path === "/api/v4/leads/pipelines") return "pipelines";
  if (method === "GET" && path === "/api/v4/leads/custom_fields") return "customFields";
  if (method === "GET" && path === "/api/v4/leads") return "leadsList";
  if (method === "GET" && LEAD_ID.test(path)) return "leadGet";
  return undefined;
}

export function isLeadsPost(route: LeadsRoute): boolean {
  return route === "leadsComplex" || route === "leadsNotes" || route === "leadNotes";
}

export const LEADS_FAULT_TARGET: Record<LeadsRoute, FaultTarget> = {
  leadsComplex: "leads_complex",
  leadsNotes: "leads_notes",
  leadNotes: "leads_notes",
  pipelines: "pipelines",
  customFields: "custom_fields",
  leadsList: "leads_list",
  leadGet: "leads_list",
};

/** The parsed JSON body of a POST, or this marker when it was not JSON. */
export const NOT_JSON = Symbol("not json");

export function parseJsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return NOT_JSON;
  }
}

/** Runs an authorized leads request. */
export function handleLeadsRoute(state: FakeState, route: LeadsRoute, url: URL, body: unknown): Reply {
  if (body === NOT_JSON) {
    return problemReply(validationFailed([{ requestId: null, code: "InvalidJson", path: "", detail: "Syntax error" }]));
  }
  switch (route) {
    case "leadsComplex":
      return createComplex(state, body);
    case "leadsNotes":
      return addNotes(state, body, undefined);
    case "leadNotes":
      return addNotes(state, body, Number(LEAD_ID_NOTES.exec(url.pathname)?.[1]));
    case "pipelines":
      return listPipelines(state.config);
    case "customFields":
      return listCustomFields(state.config, url);
    case "leadsList":
      return listLeads(state, url);
    case "leadGet":
      return getLead(state, url);
  }
}

function base(config: FakeConfig): string {
  return `https://${accountHost(config)}/api/v4`;
}

// --- POST /api/v4/leads/complex --------------------------------------------------------

interface ComplexAnswerItem {
  id: number;
  contact_id: number | null;
  company_id: number | null;
  request_id: string[];
  merged: boolean;
}

function createComplex(state: FakeState, body: unknown): Reply {
  const store = state.leadsStore;
  const checked = checkComplexBody(body, state.config, store);
  if (!checked.ok) return problemReply(validationFailed(checked.errors));

  // Duplicate control compares with leads that existed before this request only (§11.1).
  const earlier = [...store.leads.values()];
  const answer: ComplexAnswerItem[] = [];
  for (const item of checked.items) {
    const duplicate = state.config.duplicateControl ? findDuplicate(state, earlier, item) : undefined;
    if (duplicate) {
      mergeInto(state, duplicate, item);
      const existing = answer.find((a) => a.id === duplicate.id);
      if (existing) existing.request_id.push(item.requestId);
      else {
        answer.push({
          id: duplicate.id,
          contact_id: duplicate.contact_id,
          company_id: duplicate.company_id,
          request_id: [item.requestId],
          merged: true,
        });
      }
      state.onEvent(`lead #${duplicate.id} merged ${describeItem(item)}`);
      continue;
    }
    const lead = createLead(state, item);
    answer.push({ id: lead.id, contact_id: lead.contact_id, company_id: lead.company_id, request_id: [item.requestId], merged: false });
    state.onEvent(`lead #${lead.id} created ${describeItem(item)} -> ${lead.unsorted ? "Unsorted" : `pipeline ${lead.pipeline_id} stage ${lead.status_id}`}`);
  }
  return halReply(200, answer);
}

function createLead(state: FakeState, item: ComplexItem): StoredLead {
  const store = state.leadsStore;
  const now = Math.floor(state.now() / 1000);
  const userId = state.config.userId;
  let companyId: number | null = null;
  if (item.company) {
    companyId = store.newId("company");
    store.companies.set(companyId, { id: companyId, name: item.company.name, created_at: now });
  }
  let contactId: number | null = null;
  if (item.contact) {
    contactId = store.newId("contact");
    const contact: StoredContact = {
      id: contactId,
      name: item.contact.name,
      first_name: item.contact.first_name,
      last_name: item.contact.last_name,
      responsible_user_id: item.contact.responsible_user_id ?? userId,
      created_at: now,
      custom_fields_values: item.contact.fields,
      phones: valuesOf(item.contact.fields, "PHONE"),
      emails: valuesOf(item.contact.fields, "EMAIL"),
      // A new contact and a new company created together are linked (§11.1).
      company_id: companyId,
    };
    store.contacts.set(contactId, contact);
  }
  const id = store.newId("lead");
  const lead: StoredLead = {
    id,
    name: item.name ?? `Сделка #${id}`,
    price: item.price,
    pipeline_id: item.pipeline.id,
    status_id: item.stage.id,
    responsible_user_id: item.responsibleUserId ?? userId,
    created_by: item.createdBy ?? 0,
    created_at: item.createdAt ?? now,
    updated_at: now,
    custom_fields_values: item.fields,
    tags: resolveTags(state, item),
    contact_id: contactId,
    company_id: companyId,
    request_ids: [item.requestId],
    unsorted: item.unsorted,
    metadata: item.metadata,
    source: item.source,
    merges: 0,
  };
  store.leads.set(id, lead);
  return lead;
}

function valuesOf(fields: readonly StoredFieldValues[], code: string): string[] {
  return fields.filter((f) => f.field_code === code).flatMap((f) => f.values.map((v) => v.value));
}

function resolveTags(state: FakeState, item: ComplexItem): StoredLead["tags"] {
  const store = state.leadsStore;
  const tags: StoredLead["tags"] = [];
  for (const ref of item.tags) {
    const tag = "id" in ref ? store.tagById(ref.id) : store.tagByName(ref.name);
    if (tag && !tags.some((t) => t.id === tag.id)) tags.push({ ...tag });
  }
  return tags;
}

/** The earliest earlier lead whose contact shares a phone or an email with the item's contact. */
function findDuplicate(state: FakeState, earlier: readonly StoredLead[], item: ComplexItem): StoredLead | undefined {
  if (!item.contact) return undefined;
  const phones = valuesOf(item.contact.fields, "PHONE");
  const emails = valuesOf(item.contact.fields, "EMAIL").map((e) => e.toLowerCase());
  return earlier.find((lead) => {
    const contact = lead.contact_id === null ? undefined : state.leadsStore.contacts.get(lead.contact_id);
    if (!contact) return false;
    return contact.phones.some((p) => phones.includes(p)) || contact.emails.some((e) => emails.includes(e.toLowerCase()));
  });
}

/** Folds the item into the existing lead: new tags added, field values replaced, new phones/emails kept. */
function mergeInto(state: FakeState, lead: StoredLead, item: ComplexItem): void {
  for (const tag of resolveTags(state, item)) {
    if (!lead.tags.some((t) => t.id === tag.id)) lead.tags.push(tag);
  }
  for (const field of item.fields) {
    lead.custom_fields_values = lead.custom_fields_values.filter((f) => f.field_id !== field.field_id);
    lead.custom_fields_values.push(field);
  }
  lead.request_ids.push(item.requestId);
  lead.merges++;
  lead.updated_at = Math.floor(state.now() / 1000);
  const contact = lead.contact_id === null ? undefined : state.leadsStore.contacts.get(lead.contact_id);
  if (contact && item.contact) {
    for (const phone of valuesOf(item.contact.fields, "PHONE")) if (!contact.phones.includes(phone)) contact.phones.push(phone);
    for (const email of valuesOf(item.contact.fields, "EMAIL")) if (!contact.emails.includes(email)) contact.emails.push(email);
  }
}

/** One console line per lead, for `npm run fake-amocrm` (test data only; no tokens are ever printed). */
function describeItem(item: ComplexItem): string {
  const parts = [`"${item.name ?? "(no name)"}"`, `request_id=${item.requestId}`];
  if (item.contact) {
    parts.push(`contact="${item.contact.name}"`);
    const phones = valuesOf(item.contact.fields, "PHONE");
    const emails = valuesOf(item.contact.fields, "EMAIL");
    if (phones.length > 0) parts.push(`phone=${phones.join(",")}`);
    if (emails.length > 0) parts.push(`email=${emails.join(",")}`);
  }
  if (item.tags.length > 0) parts.push(`tags=${item.tags.map((t) => ("name" in t ? t.name : `#${t.id}`)).join(",")}`);
  for (const field of item.fields) parts.push(`${field.field_code}=${field.values.map((v) => v.value).join(",")}`);
  return parts.join(" ");
}

// --- notes -----------------------------------------------------------------------------

function addNotes(state: FakeState, body: unknown, entityId: number | undefined): Reply {
  const store = state.leadsStore;
  if (entityId !== undefined && !store.leads.has(entityId)) {
    // The lead of POST /leads/{id}/notes does not exist: every item is refused on its (implicit) entity_id.
    const items = Array.isArray(body) ? body : [body];
    return problemReply(
      validationFailed(
        items.map((raw, i) => ({
          requestId: typeof (raw as { request_id?: unknown })?.request_id === "string" ? (raw as { request_id: string }).request_id : String(i),
          code: "NotSupportedChoice",
          path: "entity_id",
          detail: "The value you selected is not a valid choice.",
        })),
      ),
    );
  }
  const checked = checkNotesBody(body, store, entityId);
  if (!checked.ok) return problemReply(validationFailed(checked.errors));
  const now = Math.floor(state.now() / 1000);
  const created = checked.items.map((item) => {
    const note = {
      id: store.newId("note"),
      entity_id: item.entityId,
      note_type: item.noteType,
      params: item.params,
      request_id: item.requestId,
      created_at: now,
    };
    store.notes.push(note);
    state.onEvent(`note #${note.id} (${note.note_type}) on lead #${note.entity_id}`);
    return note;
  });
  const links = base(state.config);
  return halReply(200, {
    _links: { self: { href: `${links}/leads/notes` } },
    _embedded: {
      notes: created.map((n) => ({
        id: n.id,
        entity_id: n.entity_id,
        request_id: n.request_id,
        _links: { self: { href: `${links}/leads/${n.entity_id}/notes/${n.id}` } },
      })),
    },
  });
}

// --- GET pipelines and custom fields ---------------------------------------------------

function listPipelines(config: FakeConfig): Reply {
  const links = base(config);
  return halReply(200, {
    _total_items: PIPELINES.length,
    _links: { self: { href: `${links}/leads/pipelines` } },
    _embedded: {
      pipelines: PIPELINES.map((p) => ({
        id: p.id,
        name: p.name,
        sort: p.sort,
        is_main: p.is_main,
        is_unsorted_on: p.is_unsorted_on,
        is_archive: p.is_archive,
        account_id: config.accountId,
        _links: { self: { href: `${links}/leads/pipelines/${p.id}` } },
        _embedded: {
          statuses: p.stages.map((s) => ({
            id: s.id,
            name: s.name,
            sort: s.sort,
            is_editable: s.is_editable,
            pipeline_id: p.id,
            color: s.color,
            type: s.type,
            account_id: config.accountId,
            _links: { self: { href: `${links}/leads/pipelines/${p.id}/statuses/${s.id}` } },
          })),
        },
      })),
    },
  });
}

/** page (from 1) and limit (default 50, at most 250) as amoCRM reads them. */
function paging(url: URL): { page: number; limit: number } {
  const page = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  const limit = Number.parseInt(url.searchParams.get("limit") ?? "50", 10);
  return {
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    limit: Number.isFinite(limit) && limit >= 1 ? Math.min(limit, 250) : 50,
  };
}

function listCustomFields(config: FakeConfig, url: URL): Reply {
  const fields = leadFields(config);
  const { page, limit } = paging(url);
  const slice = fields.slice((page - 1) * limit, page * limit);
  if (slice.length === 0) return noContent();
  const pageCount = Math.ceil(fields.length / limit);
  const href = (p: number): string => `${base(config)}/leads/custom_fields?page=${p}&limit=${limit}`;
  return halReply(200, {
    _total_items: fields.length,
    _page: page,
    _page_count: pageCount,
    _links: { self: { href: href(page) }, ...(page < pageCount ? { next: { href: href(page + 1) } } : {}) },
    _embedded: {
      custom_fields: slice.map((f) => ({
        id: f.id,
        name: f.name,
        type: f.type,
        account_id: config.accountId,
        code: f.code,
        sort: f.sort,
        is_api_only: false,
        enums: null,
        group_id: null,
        required_statuses: [],
        is_deletable: false,
        is_predefined: true,
        entity_type: "leads",
        remind: null,
        _links: { self: { href: `${base(config)}/leads/custom_fields/${f.id}` } },
      })),
    },
  });
}

// --- GET leads ---------------------------------------------------------------------------

function leadJson(state: FakeState, lead: StoredLead, withContacts: boolean): Record<string, unknown> {
  const links = base(state.config);
  const embedded: Record<string, unknown> = {
    tags: lead.tags.map((t) => ({ id: t.id, name: t.name, color: null })),
    companies:
      lead.company_id === null ? [] : [{ id: lead.company_id, _links: { self: { href: `${links}/companies/${lead.company_id}` } } }],
  };
  if (withContacts) {
    embedded["contacts"] =
      lead.contact_id === null
        ? []
        : [{ id: lead.contact_id, is_main: true, _links: { self: { href: `${links}/contacts/${lead.contact_id}` } } }];
  }
  return {
    id: lead.id,
    name: lead.name,
    price: lead.price,
    responsible_user_id: lead.responsible_user_id,
    group_id: 0,
    status_id: lead.status_id,
    pipeline_id: lead.pipeline_id,
    loss_reason_id: null,
    created_by: lead.created_by,
    updated_by: lead.created_by,
    created_at: lead.created_at,
    updated_at: lead.updated_at,
    closed_at: null,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: lead.custom_fields_values.length > 0 ? lead.custom_fields_values : null,
    score: null,
    account_id: state.config.accountId,
    labor_cost: null,
    _links: { self: { href: `${links}/leads/${lead.id}` } },
    _embedded: embedded,
  };
}

function withList(url: URL): Set<string> {
  return new Set((url.searchParams.get("with") ?? "").split(",").map((s) => s.trim()));
}

const ORDER_KEYS = ["id", "created_at", "updated_at"] as const;

function listLeads(state: FakeState, url: URL): Reply {
  const query = url.searchParams.get("query");
  let leads = query === null ? [...state.leadsStore.leads.values()] : state.leadsStore.search(query);
  for (const key of ORDER_KEYS) {
    const direction = url.searchParams.get(`order[${key}]`);
    if (direction === "asc" || direction === "desc") {
      const sign = direction === "asc" ? 1 : -1;
      leads = [...leads].sort((a, b) => sign * (a[key] - b[key] || a.id - b.id));
    }
  }
  const { page, limit } = paging(url);
  const slice = leads.slice((page - 1) * limit, page * limit);
  // Nothing found is a 204 with an empty body, not 200 [] (§11.5).
  if (slice.length === 0) return noContent();
  const self = new URL(`${base(state.config)}/leads`);
  for (const [key, value] of url.searchParams) if (key !== "page" && key !== "limit") self.searchParams.append(key, value);
  const href = (p: number): string => {
    const link = new URL(self);
    link.searchParams.set("page", String(p));
    link.searchParams.set("limit", String(limit));
    return link.toString();
  };
  const hasNext = page * limit < leads.length;
  const withContacts = withList(url).has("contacts");
  return halReply(200, {
    _page: page,
    _links: { self: { href: href(page) }, ...(hasNext ? { next: { href: href(page + 1) } } : {}) },
    _embedded: { leads: slice.map((lead) => leadJson(state, lead, withContacts)) },
  });
}

/** An unknown id answers 204 like an empty list (UNCONFIRMED; the PHP library's getOne treats 204 as "no data"). */
function getLead(state: FakeState, url: URL): Reply {
  const lead = state.leadsStore.leads.get(Number(LEAD_ID.exec(url.pathname)?.[1]));
  if (!lead) return noContent();
  return halReply(200, leadJson(state, lead, withList(url).has("contacts")));
}
