// What the fake account holds for the leads API (docs/amocrm-contract.md §11): its pipelines and stages, its lead and contact
// fields, and every lead, contact, company, tag and note created through the API, kept so tests can read them back.
import { UTM_FIELD_CODES, type FakeConfig, type UtmFieldCode } from "./config";

// --- pipelines (§11.3) ---------------------------------------------------------------

export interface Stage {
  id: number;
  name: string;
  sort: number;
  is_editable: boolean;
  color: string;
  /** 1 = the incoming-leads (Unsorted) stage, 0 = a regular stage. */
  type: 0 | 1;
}

export interface Pipeline {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  is_unsorted_on: boolean;
  is_archive: boolean;
  stages: Stage[];
}

/** System stages 142 (won) and 143 (lost) exist in every pipeline, with the same ids. */
const CLOSED_STAGES: Stage[] = [
  { id: 142, name: "Успешно реализовано", sort: 10000, is_editable: false, color: "#CCFF66", type: 0 },
  { id: 143, name: "Закрыто и не реализовано", sort: 11000, is_editable: false, color: "#D5D8DB", type: 0 },
];

/** The main pipeline has an Unsorted stage; the second one has none (`is_unsorted_on: false`). */
export const PIPELINES: readonly Pipeline[] = [
  {
    id: 7012345,
    name: "Воронка",
    sort: 1,
    is_main: true,
    is_unsorted_on: true,
    is_archive: false,
    stages: [
      { id: 61000001, name: "Неразобранное", sort: 10, is_editable: false, color: "#c1c1c1", type: 1 },
      { id: 61000002, name: "Первичный контакт", sort: 20, is_editable: true, color: "#99ccff", type: 0 },
      { id: 61000003, name: "Переговоры", sort: 30, is_editable: true, color: "#ffff99", type: 0 },
      { id: 61000004, name: "Принимают решение", sort: 40, is_editable: true, color: "#ffcc66", type: 0 },
      ...CLOSED_STAGES,
    ],
  },
  {
    id: 7012346,
    name: "Сайт",
    sort: 2,
    is_main: false,
    is_unsorted_on: false,
    is_archive: false,
    stages: [
      { id: 61000011, name: "Новая заявка", sort: 20, is_editable: true, color: "#98cbff", type: 0 },
      { id: 61000012, name: "В работе", sort: 30, is_editable: true, color: "#fffeb2", type: 0 },
      ...CLOSED_STAGES,
    ],
  },
];

export function mainPipeline(): Pipeline {
  return PIPELINES.find((p) => p.is_main) ?? (PIPELINES[0] as Pipeline);
}

export function incomingStage(pipeline: Pipeline): Stage | undefined {
  return pipeline.stages.find((s) => s.type === 1);
}

export function firstRegularStage(pipeline: Pipeline): Stage {
  const regular = pipeline.stages.filter((s) => s.type === 0 && s.id !== 142 && s.id !== 143);
  return regular.sort((a, b) => a.sort - b.sort)[0] ?? (pipeline.stages[0] as Stage);
}

// --- fields (§11.1, §11.4) -----------------------------------------------------------

export interface FieldDef {
  id: number;
  name: string;
  code: string;
  type: "tracking_data" | "multitext";
  sort: number;
  /** enum_code → enum_id, for multitext fields. */
  enums: Record<string, number> | null;
}

/** UTM fields have fixed ids (1000101 = UTM_SOURCE, …) whichever of them the account has. */
export function leadFields(config: Pick<FakeConfig, "leadUtmFields">): FieldDef[] {
  return UTM_FIELD_CODES.filter((code) => config.leadUtmFields.includes(code)).map((code) => ({
    id: 1000101 + UTM_FIELD_CODES.indexOf(code as UtmFieldCode),
    name: code.toLowerCase(),
    code,
    type: "tracking_data",
    sort: 500 + UTM_FIELD_CODES.indexOf(code as UtmFieldCode),
    enums: null,
  }));
}

/** The predefined contact fields. The enum lists are the commonly cited ones (UNCONFIRMED, §11.1). */
export const CONTACT_FIELDS: readonly FieldDef[] = [
  {
    id: 264911,
    name: "Телефон",
    code: "PHONE",
    type: "multitext",
    sort: 4,
    enums: { WORK: 180001, WORKDD: 180003, MOB: 180005, FAX: 180007, HOME: 180009, OTHER: 180011 },
  },
  {
    id: 264913,
    name: "Email",
    code: "EMAIL",
    type: "multitext",
    sort: 6,
    enums: { WORK: 180013, PRIV: 180015, OTHER: 180017 },
  },
];

// --- stored entities ------------------------------------------------------------------

export interface FieldValue {
  value: string;
  enum_code?: string;
  enum_id?: number;
}

export interface StoredFieldValues {
  field_id: number;
  field_name: string;
  field_code: string;
  field_type: string;
  values: FieldValue[];
}

export interface StoredTag {
  id: number;
  name: string;
}

export interface StoredLead {
  id: number;
  name: string;
  price: number;
  pipeline_id: number;
  status_id: number;
  responsible_user_id: number;
  created_by: number;
  created_at: number;
  updated_at: number;
  custom_fields_values: StoredFieldValues[];
  tags: StoredTag[];
  contact_id: number | null;
  company_id: number | null;
  /** Every request_id that created or was merged into this lead. */
  request_ids: string[];
  /** True when it landed in the pipeline's incoming-leads stage through `_embedded.metadata`. */
  unsorted: boolean;
  metadata: Record<string, unknown> | null;
  source: Record<string, unknown> | null;
  /** How many later requests duplicate control folded into this lead. */
  merges: number;
}

export interface StoredContact {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  responsible_user_id: number;
  created_at: number;
  custom_fields_values: StoredFieldValues[];
  /** Convenience copies of the PHONE / EMAIL values. */
  phones: string[];
  emails: string[];
  company_id: number | null;
}

export interface StoredCompany {
  id: number;
  name: string;
  created_at: number;
}

export interface StoredNote {
  id: number;
  entity_id: number;
  note_type: string;
  params: Record<string, unknown>;
  request_id: string;
  created_at: number;
}

export interface LeadsSnapshot {
  leads: StoredLead[];
  contacts: StoredContact[];
  companies: StoredCompany[];
  notes: StoredNote[];
  tags: StoredTag[];
}

const FIRST_IDS = { lead: 30000001, contact: 40000001, company: 50000001, note: 60000001, tag: 70001 };

export class LeadsStore {
  readonly leads = new Map<number, StoredLead>();
  readonly contacts = new Map<number, StoredContact>();
  readonly companies = new Map<number, StoredCompany>();
  readonly notes: StoredNote[] = [];
  private readonly tagsByName = new Map<string, StoredTag>();
  private next = { ...FIRST_IDS };

  clear(): void {
    this.leads.clear();
    this.contacts.clear();
    this.companies.clear();
    this.notes.length = 0;
    this.tagsByName.clear();
    this.next = { ...FIRST_IDS };
  }

  newId(kind: keyof typeof FIRST_IDS): number {
    return this.next[kind]++;
  }

  /** amoCRM creates a tag the first time its name is used; names compare case-insensitively. */
  tagByName(name: string): StoredTag {
    const key = name.toLowerCase();
    let tag = this.tagsByName.get(key);
    if (!tag) {
      tag = { id: this.newId("tag"), name };
      this.tagsByName.set(key, tag);
    }
    return tag;
  }

  tagById(id: number): StoredTag | undefined {
    return [...this.tagsByName.values()].find((t) => t.id === id);
  }

  /**
   * `GET /api/v4/leads?query=` (§11.7): a case-insensitive substring of the lead's name, id, field values or
   * tags, or of its contact's name, phones or emails.
   */
  search(query: string): StoredLead[] {
    const needle = query.trim().toLowerCase();
    const all = [...this.leads.values()];
    if (needle === "") return all;
    return all.filter((lead) => this.haystack(lead).some((text) => text.toLowerCase().includes(needle)));
  }

  private haystack(lead: StoredLead): string[] {
    const texts = [lead.name, String(lead.id), ...lead.tags.map((t) => t.name)];
    for (const field of lead.custom_fields_values) texts.push(...field.values.map((v) => v.value));
    const contact = lead.contact_id === null ? undefined : this.contacts.get(lead.contact_id);
    if (contact) texts.push(contact.name, ...contact.phones, ...contact.emails);
    return texts;
  }

  snapshot(): LeadsSnapshot {
    const copy = <T>(value: T): T => structuredClone(value);
    return {
      leads: copy([...this.leads.values()]),
      contacts: copy([...this.contacts.values()]),
      companies: copy([...this.companies.values()]),
      notes: copy(this.notes),
      tags: copy([...this.tagsByName.values()]),
    };
  }
}
