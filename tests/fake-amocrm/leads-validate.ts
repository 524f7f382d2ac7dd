// Strict checks of `leads/complex` and notes bodies (docs/amocrm-contract.md §11.1, §11.2, §11.7). Any refusal refuses the whole
// batch with the 400 `validation-errors` body of §11.6, so nothing is half-created. Only `NotSupportedChoice` is an
// observed amoCRM code; the other codes are the fake's own names, with Symfony's messages (amoCRM validates
// with Symfony). Real amoCRM may ignore unknown keys; the fake refuses them so a typo cannot silently drop data.
import type { FakeConfig } from "./config";
import {
  CONTACT_FIELDS,
  incomingStage,
  firstRegularStage,
  leadFields,
  mainPipeline,
  PIPELINES,
  type FieldDef,
  type FieldValue,
  type LeadsStore,
  type Pipeline,
  type Stage,
  type StoredFieldValues,
} from "./leads-store";
import type { ValidationError } from "./problems";

export const MAX_COMPLEX_ITEMS = 50;
export const MAX_NOTES = 50;
/** Per entity (lead, contact, company), §11.1. */
const MAX_FIELD_VALUES = 40;
export const NOTE_TYPES = [
  "common",
  "call_in",
  "call_out",
  "service_message",
  "extended_service_message",
  "sms_in",
  "sms_out",
  "geolocation",
  "attachment",
] as const;

const LEAD_KEYS = new Set([
  "name",
  "price",
  "status_id",
  "pipeline_id",
  "responsible_user_id",
  "created_by",
  "updated_by",
  "created_at",
  "updated_at",
  "closed_at",
  "loss_reason_id",
  "custom_fields_values",
  "request_id",
  "_embedded",
]);
const LEAD_EMBEDDED_KEYS = new Set(["tags", "contacts", "companies", "metadata", "source"]);
const CONTACT_KEYS = new Set([
  "name",
  "first_name",
  "last_name",
  "responsible_user_id",
  "created_by",
  "updated_by",
  "created_at",
  "updated_at",
  "custom_fields_values",
  "request_id",
]);
const COMPANY_KEYS = new Set(["name", "responsible_user_id", "created_by", "created_at", "custom_fields_values", "request_id"]);
const METADATA_KEYS = new Set([
  "category",
  "form_id",
  "form_name",
  "form_page",
  "form_sent_at",
  "ip",
  "referer",
  "visitor_uid",
  "form_type",
]);

export interface ComplexContact {
  name: string;
  first_name: string;
  last_name: string;
  responsible_user_id: number | undefined;
  fields: StoredFieldValues[];
}

export interface ComplexItem {
  requestId: string;
  name: string | undefined;
  price: number;
  pipeline: Pipeline;
  stage: Stage;
  unsorted: boolean;
  responsibleUserId: number | undefined;
  createdBy: number | undefined;
  createdAt: number | undefined;
  fields: StoredFieldValues[];
  tags: Array<{ id: number } | { name: string }>;
  contact: ComplexContact | undefined;
  company: { name: string } | undefined;
  metadata: Record<string, unknown> | null;
  source: Record<string, unknown> | null;
}

export interface NoteItem {
  requestId: string;
  entityId: number;
  noteType: string;
  params: Record<string, unknown>;
}

export type Checked<T> = { ok: true; items: T[] } | { ok: false; errors: ValidationError[] };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Collects the errors of one item, with paths in dot notation relative to the item. */
class ItemChecker {
  readonly errors: ValidationError[] = [];
  constructor(readonly requestId: string) {}

  fail(code: string, path: string, detail: string): void {
    this.errors.push({ requestId: this.requestId, code, path, detail });
  }
  type(path: string, type: string): void {
    this.fail("InvalidType", path, `This value should be of type ${type}.`);
  }
  choice(path: string): void {
    this.fail("NotSupportedChoice", path, "The value you selected is not a valid choice.");
  }
  blank(path: string): void {
    this.fail("NotBlank", path, "This value should not be blank.");
  }
  tooMany(path: string, limit: number): void {
    this.fail("TooMany", path, `This collection should contain ${limit} element${limit === 1 ? "" : "s"} or less.`);
  }
  keys(value: Json, allowed: ReadonlySet<string>, prefix: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.has(key)) this.fail("ExtraField", join(prefix, key), "This field was not expected.");
    }
  }
  int(value: Json, key: string, prefix: string): number | undefined {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      this.type(join(prefix, key), "int");
      return undefined;
    }
    return v;
  }
  string(value: Json, key: string, prefix: string): string | undefined {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      this.type(join(prefix, key), "string");
      return undefined;
    }
    return v;
  }
}

function join(prefix: string, key: string | number): string {
  return prefix === "" ? String(key) : `${prefix}.${key}`;
}

/** The batch-level checks (array, 1..max items); undefined when they pass. */
function checkBatch(body: unknown, max: number): ValidationError[] | undefined {
  if (!Array.isArray(body)) {
    return [{ requestId: null, code: "InvalidType", path: "", detail: "This value should be of type array." }];
  }
  if (body.length === 0) {
    return [{ requestId: null, code: "NotBlank", path: "", detail: "This collection should contain 1 element or more." }];
  }
  if (body.length > max) {
    return [{ requestId: null, code: "TooMany", path: "", detail: `This collection should contain ${max} elements or less.` }];
  }
  return undefined;
}

/** The item's own request_id, or its index as a string (what the PHP library sends by default). */
function requestIdOf(item: unknown, index: number): string {
  return isObject(item) && typeof item["request_id"] === "string" ? item["request_id"] : String(index);
}

// --- custom_fields_values ---------------------------------------------------------------

function checkFieldValues(c: ItemChecker, raw: unknown, prefix: string, defs: readonly FieldDef[]): StoredFieldValues[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    c.type(prefix, "array");
    return [];
  }
  if (raw.length > MAX_FIELD_VALUES) c.tooMany(prefix, MAX_FIELD_VALUES);
  const out: StoredFieldValues[] = [];
  raw.forEach((entry: unknown, i) => {
    const path = join(prefix, i);
    if (!isObject(entry)) return c.type(path, "object");
    c.keys(entry, new Set(["field_id", "field_code", "values"]), path);
    let def: FieldDef | undefined;
    if (entry["field_id"] !== undefined) {
      def = defs.find((d) => d.id === entry["field_id"]);
      if (!def) return c.choice(join(path, "field_id"));
    } else if (entry["field_code"] !== undefined) {
      const code = entry["field_code"];
      def = typeof code === "string" ? defs.find((d) => d.code === code.toUpperCase()) : undefined;
      if (!def) return c.choice(join(path, "field_code"));
    } else {
      return c.blank(join(path, "field_id"));
    }
    const values = entry["values"];
    if (!Array.isArray(values)) return c.type(join(path, "values"), "array");
    const stored: FieldValue[] = [];
    values.forEach((v: unknown, j) => {
      const valuePath = join(join(path, "values"), j);
      const value = checkOneValue(c, v, valuePath, def);
      if (value) stored.push(value);
    });
    if (stored.length > 0) {
      out.push({ field_id: def.id, field_name: def.name, field_code: def.code, field_type: def.type, values: stored });
    }
  });
  return out;
}

function checkOneValue(c: ItemChecker, raw: unknown, path: string, def: FieldDef): FieldValue | undefined {
  if (!isObject(raw)) {
    c.type(path, "object");
    return undefined;
  }
  c.keys(raw, new Set(def.enums ? ["value", "enum_code", "enum_id"] : ["value"]), path);
  const value = raw["value"];
  if (typeof value !== "string" && typeof value !== "number") {
    c.type(join(path, "value"), "string");
    return undefined;
  }
  const text = String(value);
  if (text.trim() === "") {
    c.blank(join(path, "value"));
    return undefined;
  }
  const out: FieldValue = { value: text };
  if (def.enums) {
    const enumCode = raw["enum_code"];
    const enumId = raw["enum_id"];
    if (enumCode !== undefined) {
      const id = typeof enumCode === "string" ? def.enums[enumCode] : undefined;
      if (id === undefined) {
        c.choice(join(path, "enum_code"));
        return undefined;
      }
      out.enum_code = enumCode as string;
      out.enum_id = id;
    } else if (enumId !== undefined) {
      const code = Object.entries(def.enums).find(([, id]) => id === enumId)?.[0];
      if (code === undefined) {
        c.choice(join(path, "enum_id"));
        return undefined;
      }
      out.enum_code = code;
      out.enum_id = enumId as number;
    }
  }
  return out;
}

// --- one lead -------------------------------------------------------------------------

function placeLead(c: ItemChecker, lead: Json, hasMetadata: boolean): { pipeline: Pipeline; stage: Stage; unsorted: boolean } {
  const pipelineId = c.int(lead, "pipeline_id", "");
  const statusId = c.int(lead, "status_id", "");
  let pipeline = mainPipeline();
  if (pipelineId !== undefined) {
    const found = PIPELINES.find((p) => p.id === pipelineId);
    if (found) pipeline = found;
    else c.choice("pipeline_id");
  }
  if (hasMetadata) {
    // An Unsorted lead lands in the incoming stage whatever status_id says (UNCONFIRMED, §11.1). A pipeline
    // without one is UNCONFIRMED too (§11.3); the fake puts the lead in its first regular stage.
    const incoming = incomingStage(pipeline);
    if (incoming) return { pipeline, stage: incoming, unsorted: true };
  }
  if (statusId !== undefined) {
    const stage = pipeline.stages.find((s) => s.id === statusId);
    if (stage) return { pipeline, stage, unsorted: false };
    c.choice("status_id");
  }
  return { pipeline, stage: firstRegularStage(pipeline), unsorted: false };
}

function checkTags(c: ItemChecker, raw: unknown, store: LeadsStore): ComplexItem["tags"] {
  const prefix = "_embedded.tags";
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    c.type(prefix, "array");
    return [];
  }
  const tags: ComplexItem["tags"] = [];
  raw.forEach((tag: unknown, i) => {
    const path = join(prefix, i);
    if (!isObject(tag)) return c.type(path, "object");
    c.keys(tag, new Set(["id", "name"]), path);
    if (tag["id"] !== undefined) {
      if (typeof tag["id"] !== "number" || !store.tagById(tag["id"])) return c.choice(join(path, "id"));
      tags.push({ id: tag["id"] });
    } else if (typeof tag["name"] === "string" && tag["name"].trim() !== "") {
      tags.push({ name: tag["name"].trim() });
    } else {
      c.blank(join(path, "name"));
    }
  });
  return tags;
}

function checkContact(c: ItemChecker, raw: unknown): ComplexContact | undefined {
  const prefix = "_embedded.contacts";
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    c.type(prefix, "array");
    return undefined;
  }
  if (raw.length > 1) c.tooMany(prefix, 1);
  const contact: unknown = raw[0];
  if (contact === undefined) return undefined;
  const path = join(prefix, 0);
  if (!isObject(contact)) {
    c.type(path, "object");
    return undefined;
  }
  c.keys(contact, CONTACT_KEYS, path);
  const first = c.string(contact, "first_name", path) ?? "";
  const last = c.string(contact, "last_name", path) ?? "";
  const name = c.string(contact, "name", path) ?? [first, last].filter(Boolean).join(" ");
  c.int(contact, "created_at", path);
  return {
    name,
    first_name: first,
    last_name: last,
    responsible_user_id: c.int(contact, "responsible_user_id", path),
    fields: checkFieldValues(c, contact["custom_fields_values"], join(path, "custom_fields_values"), CONTACT_FIELDS),
  };
}

function checkCompany(c: ItemChecker, raw: unknown): { name: string } | undefined {
  const prefix = "_embedded.companies";
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    c.type(prefix, "array");
    return undefined;
  }
  if (raw.length > 1) c.tooMany(prefix, 1);
  const company: unknown = raw[0];
  if (company === undefined) return undefined;
  const path = join(prefix, 0);
  if (!isObject(company)) {
    c.type(path, "object");
    return undefined;
  }
  c.keys(company, COMPANY_KEYS, path);
  // The fake account has no company fields, so any value names an unknown field.
  checkFieldValues(c, company["custom_fields_values"], join(path, "custom_fields_values"), []);
  return { name: c.string(company, "name", path) ?? "" };
}

function checkMetadata(c: ItemChecker, raw: unknown): Record<string, unknown> | null {
  const prefix = "_embedded.metadata";
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) {
    c.type(prefix, "object");
    return null;
  }
  c.keys(raw, METADATA_KEYS, prefix);
  if (raw["category"] !== "forms") c.choice(join(prefix, "category"));
  for (const key of ["form_id", "form_name"]) {
    const v = raw[key];
    if (v === undefined || v === null || v === "") c.blank(join(prefix, key));
    else if (typeof v !== "string" && typeof v !== "number") c.type(join(prefix, key), "string");
  }
  for (const key of ["form_page", "ip", "referer", "visitor_uid", "form_type"]) c.string(raw, key, prefix);
  const sentAt = raw["form_sent_at"];
  if (sentAt === undefined || sentAt === null) c.blank(join(prefix, "form_sent_at"));
  else c.int(raw, "form_sent_at", prefix);
  return { ...raw };
}

/** The "refuse this data" switch: the path of the first string value containing one of the needles. */
function refusedPath(value: unknown, needles: readonly string[], path = ""): string | undefined {
  if (typeof value === "string") return needles.some((n) => value.includes(n)) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = refusedPath(v, needles, join(path, i));
      if (found !== undefined) return found;
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const found = refusedPath(v, needles, join(path, k));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function checkLead(raw: unknown, index: number, config: FakeConfig, store: LeadsStore): { item?: ComplexItem; errors: ValidationError[] } {
  const c = new ItemChecker(requestIdOf(raw, index));
  if (!isObject(raw)) {
    c.type("", "object");
    return { errors: c.errors };
  }
  c.keys(raw, LEAD_KEYS, "");
  if (raw["request_id"] !== undefined && typeof raw["request_id"] !== "string") c.type("request_id", "string");
  const name = c.string(raw, "name", "");
  const price = c.int(raw, "price", "") ?? 0;
  for (const key of ["created_by", "updated_by", "updated_at", "closed_at", "loss_reason_id"]) c.int(raw, key, "");

  let embedded: Json = {};
  if (raw["_embedded"] !== undefined) {
    if (isObject(raw["_embedded"])) embedded = raw["_embedded"];
    else c.type("_embedded", "object");
  }
  c.keys(embedded, LEAD_EMBEDDED_KEYS, "_embedded");
  const metadata = checkMetadata(c, embedded["metadata"]);
  let source: Record<string, unknown> | null = null;
  if (embedded["source"] !== undefined) {
    if (isObject(embedded["source"])) source = { ...embedded["source"] };
    else c.type("_embedded.source", "object");
  }
  const place = placeLead(c, raw, metadata !== null);
  const item: ComplexItem = {
    requestId: c.requestId,
    name,
    price,
    ...place,
    responsibleUserId: c.int(raw, "responsible_user_id", ""),
    createdBy: c.int(raw, "created_by", ""),
    createdAt: c.int(raw, "created_at", ""),
    fields: checkFieldValues(c, raw["custom_fields_values"], "custom_fields_values", leadFields(config)),
    tags: checkTags(c, embedded["tags"], store),
    contact: checkContact(c, embedded["contacts"]),
    company: checkCompany(c, embedded["companies"]),
    metadata,
    source,
  };
  const refused = config.refuseLeadsContaining.length > 0 ? refusedPath(raw, config.refuseLeadsContaining) : undefined;
  if (refused !== undefined) c.choice(refused);
  return c.errors.length > 0 ? { errors: c.errors } : { item, errors: [] };
}

/** `POST /api/v4/leads/complex` body → items to create, or every error of every refused item. */
export function checkComplexBody(body: unknown, config: FakeConfig, store: LeadsStore): Checked<ComplexItem> {
  const batchErrors = checkBatch(body, MAX_COMPLEX_ITEMS);
  if (batchErrors) return { ok: false, errors: batchErrors };
  const items: ComplexItem[] = [];
  const errors: ValidationError[] = [];
  (body as unknown[]).forEach((raw, index) => {
    const checked = checkLead(raw, index, config, store);
    errors.push(...checked.errors);
    if (checked.item) items.push(checked.item);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items };
}

/** Notes bodies; `entityId` is set for `POST /api/v4/leads/{id}/notes`, where items carry no entity_id. */
export function checkNotesBody(body: unknown, store: LeadsStore, entityId?: number): Checked<NoteItem> {
  const batchErrors = checkBatch(body, MAX_NOTES);
  if (batchErrors) return { ok: false, errors: batchErrors };
  const items: NoteItem[] = [];
  const errors: ValidationError[] = [];
  (body as unknown[]).forEach((raw, index) => {
    const c = new ItemChecker(requestIdOf(raw, index));
    if (!isObject(raw)) {
      c.type("", "object");
      errors.push(...c.errors);
      return;
    }
    c.keys(raw, new Set(["entity_id", "note_type", "params", "request_id", "created_by", "created_at", "responsible_user_id"]), "");
    let target = entityId;
    if (entityId === undefined) {
      target = c.int(raw, "entity_id", "");
      if (raw["entity_id"] === undefined) c.blank("entity_id");
      else if (target !== undefined && !store.leads.has(target)) c.choice("entity_id");
    }
    const noteType = raw["note_type"];
    if (typeof noteType !== "string" || !(NOTE_TYPES as readonly string[]).includes(noteType)) c.choice("note_type");
    const params = raw["params"];
    if (!isObject(params)) {
      c.type("params", "object");
    } else if (noteType === "common" || noteType === "service_message") {
      if (typeof params["text"] !== "string" || params["text"].trim() === "") c.blank("params.text");
      if (noteType === "service_message" && typeof params["service"] !== "string") c.blank("params.service");
    }
    if (c.errors.length > 0 || target === undefined || !isObject(params)) {
      errors.push(...c.errors);
      return;
    }
    items.push({ requestId: c.requestId, entityId: target, noteType: noteType as string, params: { ...params } });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items };
}
